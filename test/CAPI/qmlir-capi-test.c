/*===- qmlir-capi-test.c - qmlir's C API, used from C --------------*- C -*-===*\
|*                                                                            *|
|* Part of the qmlir project.                                                 *|
|*                                                                            *|
|* qmlir-capi-test MODEL.mlir STATS.json: parses a float model, runs          *|
|* qnn-quantize-pipeline and qnn-lower-to-llvm through the C API and prints   *|
|* the quantized module (test/CAPI/capi.test checks it).                      *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include "qmlir-c/Dialects.h"

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"

#include <stdio.h>
#include <stdlib.h>

static void print(MlirStringRef text, void *userData) {
  fwrite(text.data, 1, text.length, (FILE *)userData);
}

static char *readFile(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc(size + 1);
  size_t got = fread(text, 1, size, f);
  text[got] = 0;
  fclose(f);
  return text;
}

/* Runs `pipeline` on the module; 0 on success. */
static int run(MlirContext ctx, MlirModule module, const char *pipeline) {
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirLogicalResult parsed = mlirParsePassPipeline(
      mlirPassManagerGetAsOpPassManager(pm),
      mlirStringRefCreateFromCString(pipeline), print, stderr);
  int failed = mlirLogicalResultIsFailure(parsed) ||
               mlirLogicalResultIsFailure(mlirPassManagerRunOnOp(
                   pm, mlirModuleGetOperation(module)));
  mlirPassManagerDestroy(pm);
  return failed;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: qmlir-capi-test MODEL.mlir STATS.json\n");
    return 2;
  }
  MlirDialectHandle qnn = mlirGetDialectHandle__qnn__();
  MlirStringRef ns = mlirDialectHandleGetNamespace(qnn);
  printf("dialect: %.*s\n", (int)ns.length, ns.data);

  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  qmlirRegisterAllDialects(registry);
  MlirContext ctx = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  qmlirRegisterAllPasses();

  char *text = readFile(argv[1]);
  if (!text) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(text));
  free(text);
  if (mlirModuleIsNull(module))
    return 1;

  char pipeline[4096];
  snprintf(pipeline, sizeof pipeline,
           "builtin.module(qnn-quantize-pipeline{stats=%s})", argv[2]);
  if (run(ctx, module, pipeline))
    return 1;
  mlirOperationPrint(mlirModuleGetOperation(module), print, stdout);
  if (run(ctx, module, "builtin.module(qnn-lower-to-llvm)"))
    return 1;
  printf("\nlowered to LLVM\n");

  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  return 0;
}
