"""Primitive ops, one file per family; each op's backward rule sits beside its forward."""
