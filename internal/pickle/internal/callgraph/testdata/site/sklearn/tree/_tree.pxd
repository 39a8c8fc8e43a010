# A declaration file like sklearn/tree/_tree.pxd.
cimport numpy as cnp

cdef class Tree:
    cdef public SIZE_t n_features

cdef class TreeBuilder:
    pass
