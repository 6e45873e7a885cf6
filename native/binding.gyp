{
  "targets": [
    {
      "target_name": "transferlab_kernels",
      "sources": ["src/addon.c", "src/gemm.c", "src/conv.c", "src/optim.c", "src/linear.c", "src/elementwise.c", "src/openblas.c", "src/svm.c"],
      "cflags": ["-O3", "-std=gnu11", "-fno-math-errno", "-Wall", "-Wno-unused-function"],
      "cflags!": ["-O2", "-O0"],
      "libraries": ["-ldl", "-lpthread", "-lm"]
    }
  ]
}
