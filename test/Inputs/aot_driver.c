/* A generic driver for an object from quant-compile: reads each input from
   a raw little-endian file, calls the entry point, writes each output raw.
   Build with -DMODEL_HEADER='"model.o.h"' (and -DCALLER_WORKSPACE to pass
   a workspace of its own). Usage: driver in... out... */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include MODEL_HEADER

#define NUM_ARGS (QMLIR_MAIN_NUM_INPUTS + QMLIR_MAIN_NUM_OUTPUTS)

static int64_t elements(int i) {
  int64_t n = 1;
  for (int64_t d = 0; d < qmlir_main_ranks[i]; ++d)
    n *= qmlir_main_shapes[i][d];
  return n;
}

int main(int argc, char **argv) {
  if (argc != 1 + NUM_ARGS) {
    fprintf(stderr, "usage: %s %d inputs then %d outputs (raw files)\n",
            argv[0], QMLIR_MAIN_NUM_INPUTS, QMLIR_MAIN_NUM_OUTPUTS);
    return 2;
  }
  /* Descriptors as 64-bit words: two pointers, offset, sizes, strides. */
  static int64_t words[NUM_ARGS][3 + 16];
  void *data[NUM_ARGS];
  for (int i = 0; i < NUM_ARGS; ++i) {
    size_t bytes = (size_t)elements(i) * (size_t)qmlir_main_element_bytes[i];
    data[i] = calloc(bytes ? bytes : 1, 1);
    if (i < QMLIR_MAIN_NUM_INPUTS) {
      FILE *f = fopen(argv[1 + i], "rb");
      if (!f || fread(data[i], 1, bytes, f) != bytes) {
        fprintf(stderr, "cannot read %zu bytes from %s\n", bytes, argv[1 + i]);
        return 1;
      }
      fclose(f);
    }
    int64_t rank = qmlir_main_ranks[i];
    words[i][0] = (int64_t)(intptr_t)data[i];
    words[i][1] = (int64_t)(intptr_t)data[i];
    words[i][2] = 0;
    int64_t stride = 1;
    for (int64_t d = rank - 1; d >= 0; --d) {
      words[i][3 + d] = qmlir_main_shapes[i][d];
      words[i][3 + rank + d] = stride;
      stride *= qmlir_main_shapes[i][d];
    }
  }
  void *args[NUM_ARGS];
  for (int i = 0; i < NUM_ARGS; ++i)
    args[i] = words[i];
#ifdef CALLER_WORKSPACE
  /* The caller's workspace, unaligned and dirty: the code must not depend
     on either. Called twice, as a workspace is reused across calls. */
  unsigned char *workspace = malloc(QMLIR_MAIN_WORKSPACE_BYTES + 1);
  for (int64_t i = 0; i <= QMLIR_MAIN_WORKSPACE_BYTES; ++i)
    workspace[i] = (unsigned char)(0xA5 ^ i);
  qmlir_main_call_workspace(args, workspace + 1);
  qmlir_main_call_workspace(args, workspace + 1);
#else
  qmlir_main_call(args);
#endif
  for (int i = QMLIR_MAIN_NUM_INPUTS; i < NUM_ARGS; ++i) {
    size_t bytes = (size_t)elements(i) * (size_t)qmlir_main_element_bytes[i];
    FILE *f = fopen(argv[1 + i], "wb");
    if (!f || fwrite(data[i], 1, bytes, f) != bytes) {
      fprintf(stderr, "cannot write %s\n", argv[1 + i]);
      return 1;
    }
    fclose(f);
  }
  return 0;
}
