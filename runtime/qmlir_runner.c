/* The runner `quant-compile --emit=exe` links with a compiled model: the
   quant-run command line and data convention for a standalone executable.

     model --input=a.npy [--input=...] --output=y.npy [--output=...] [--repeat=N]
           [--threads=N]

   An input with one more dimension than its argument holds samples along
   axis 0; the model runs once per sample and outputs stack the same way.
   Plain C (the aarch64 cross toolchain has no C++ library). Built with
   -include <model>.o.h, the header quant-compile writes. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

#if QMLIR_MAIN_OPENMP
/* LLVM's OpenMP runtime, which the kernels call. */
void omp_set_num_threads(int);
#endif

#define NUM_IN QMLIR_MAIN_NUM_INPUTS
#define NUM_ALL (QMLIR_MAIN_NUM_INPUTS + QMLIR_MAIN_NUM_OUTPUTS)
/* An input array may hold samples: one dimension more than the model's. */
#define MAX_ARRAY_RANK (QMLIR_MAIN_MAX_RANK + 1)

static void fail(const char *fmt, const char *a, const char *b) {
  fprintf(stderr, "qmlir-runner: error: ");
  fprintf(stderr, fmt, a, b);
  fprintf(stderr, "\n");
  exit(1);
}

typedef struct {
  char descr[8];
  int rank;
  int64_t shape[MAX_ARRAY_RANK];
  char *data;
  size_t bytes;
} array_t;

/* Reads a C-ordered, little-endian .npy file (format 1.0 to 3.0). */
static array_t read_npy(const char *path) {
  array_t a;
  memset(&a, 0, sizeof a);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail("%s: cannot open%s", path, "");
  unsigned char magic[10];
  if (fread(magic, 1, 10, f) != 10 || memcmp(magic, "\x93NUMPY", 6) != 0)
    fail("%s: not a .npy file (bad magic)%s", path, "");
  size_t header_len = magic[8] | (magic[9] << 8);
  if (magic[6] >= 2) {
    unsigned char more[2];
    if (fread(more, 1, 2, f) != 2)
      fail("%s: truncated header%s", path, "");
    header_len |= ((size_t)more[0] << 16) | ((size_t)more[1] << 24);
  }
  char *header = calloc(header_len + 1, 1);
  if (fread(header, 1, header_len, f) != header_len)
    fail("%s: truncated header%s", path, "");
  char *d = strstr(header, "'descr'");
  char *o = strstr(header, "'fortran_order'");
  char *s = strstr(header, "'shape'");
  if (!d || !o || !s)
    fail("%s: malformed header%s", path, "");
  d = strchr(d + 7, '\'');
  if (!d || sscanf(d + 1, "%7[^']", a.descr) != 1)
    fail("%s: malformed dtype%s", path, "");
  if (a.descr[0] == '=')
    a.descr[0] = '<';
  if (strlen(a.descr) == 3 && a.descr[2] == '1')
    a.descr[0] = '|';
  if (strstr(o, "True"))
    fail("%s: Fortran-ordered arrays are not supported%s", path, "");
  s = strchr(s, '(');
  int64_t n = 1;
  for (char *p = s + 1; *p && *p != ')';) {
    while (*p == ' ' || *p == ',')
      ++p;
    if (*p == ')')
      break;
    if (a.rank == MAX_ARRAY_RANK)
      fail("%s: too many dimensions%s", path, "");
    a.shape[a.rank] = strtoll(p, &p, 10);
    n *= a.shape[a.rank++];
  }
  size_t item = (size_t)(a.descr[2] - '0');
  a.bytes = (size_t)n * item;
  a.data = malloc(a.bytes ? a.bytes : 1);
  if (fread(a.data, 1, a.bytes, f) != a.bytes)
    fail("%s: truncated data%s", path, "");
  fclose(f);
  free(header);
  return a;
}

static void write_npy(const char *path, const char *descr, int rank,
                      const int64_t *shape, const char *data, size_t bytes) {
  /* Up to 20 digits and ", " per dimension. */
  char dims[22 * MAX_ARRAY_RANK + 2] = "", header[sizeof dims + 128];
  for (int i = 0; i < rank; ++i)
    sprintf(dims + strlen(dims), "%s%lld", i ? ", " : "", (long long)shape[i]);
  if (rank == 1)
    strcat(dims, ",");
  int len = snprintf(header, sizeof header,
                     "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                     descr, dims);
  int pad = (64 - (10 + len + 1) % 64) % 64;
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.partial", path);
  FILE *f = fopen(tmp, "wb");
  if (!f)
    fail("%s: cannot write%s", path, "");
  unsigned short total = (unsigned short)(len + pad + 1);
  fwrite("\x93NUMPY\x01\x00", 1, 8, f);
  fputc(total & 0xff, f);
  fputc(total >> 8, f);
  fwrite(header, 1, len, f);
  for (int i = 0; i < pad; ++i)
    fputc(' ', f);
  fputc('\n', f);
  if (fwrite(data, 1, bytes, f) != bytes || fclose(f) != 0 || rename(tmp, path) != 0)
    fail("%s: cannot write%s", path, "");
}

/* Refuses to run on a CPU without the features the model was compiled for:
   an error, not an illegal-instruction crash. */
static void check_cpu(void) {
  const char *features = QMLIR_MAIN_FEATURES;
#if defined(__aarch64__) && defined(__linux__)
  unsigned long hwcap = getauxval(AT_HWCAP), hwcap2 = getauxval(AT_HWCAP2);
  if (strstr(features, "+dotprod") && !(hwcap & (1UL << 20)))
    fail("this CPU lacks %s, which the model was compiled for%s", "dotprod", "");
  if (strstr(features, "+i8mm") && !(hwcap2 & (1UL << 13)))
    fail("this CPU lacks %s, which the model was compiled for%s", "i8mm", "");
#elif defined(__x86_64__)
  __builtin_cpu_init();
  if (strstr(features, "+avx2") && !__builtin_cpu_supports("avx2"))
    fail("this CPU lacks %s, which the model was compiled for%s", "avx2", "");
  if (strstr(features, "+avx512vnni") && !__builtin_cpu_supports("avx512vnni"))
    fail("this CPU lacks %s, which the model was compiled for%s", "avx512vnni", "");
#else
  (void)features;
#endif
}

int main(int argc, char **argv) {
  const char *inputs[64], *outputs[64];
  int num_inputs = 0, num_outputs = 0;
  long repeat = 1, threads = 0;
  for (int i = 1; i < argc; ++i) {
    if (!strncmp(argv[i], "--input=", 8) && num_inputs < 64)
      inputs[num_inputs++] = argv[i] + 8;
    else if (!strncmp(argv[i], "--output=", 9) && num_outputs < 64)
      outputs[num_outputs++] = argv[i] + 9;
    else if (!strncmp(argv[i], "--repeat=", 9) && (repeat = strtol(argv[i] + 9, NULL, 10)) > 0)
      ;
    else if (!strncmp(argv[i], "--threads=", 10) && (threads = strtol(argv[i] + 10, NULL, 10)) > 0)
      ;
    else
      fail("unknown argument '%s'%s (--input=, --output=, --repeat=N, --threads=N)", argv[i], "");
  }
#if QMLIR_MAIN_OPENMP
  if (threads > 0)
    omp_set_num_threads((int)threads);
#else
  if (threads > 1)
    fail("--threads: this model was compiled without --parallel, so it runs on one thread%s%s", "", "");
#endif
  char expected[32];
  snprintf(expected, sizeof expected, "%d", NUM_IN);
  if (num_inputs != NUM_IN)
    fail("the model takes %s inputs%s", expected, "");
  snprintf(expected, sizeof expected, "%d", QMLIR_MAIN_NUM_OUTPUTS);
  if (num_outputs != QMLIR_MAIN_NUM_OUTPUTS)
    fail("the model has %s results: give one --output each%s", expected, "");
  check_cpu();

  array_t in[NUM_IN + 1];
  int sampled[NUM_IN + 1];
  int64_t samples = -1;
  for (int i = 0; i < NUM_IN; ++i) {
    in[i] = read_npy(inputs[i]);
    if (strcmp(in[i].descr, qmlir_main_dtypes[i]) != 0)
      fail("input dtype '%s' does not match the model's '%s'", in[i].descr, qmlir_main_dtypes[i]);
    int rank = (int)qmlir_main_ranks[i];
    sampled[i] = in[i].rank == rank + 1;
    if (!sampled[i] && in[i].rank != rank)
      fail("%s: rank fits neither the argument nor samples of it%s", inputs[i], "");
    for (int d = 0; d < rank; ++d)
      if (in[i].shape[d + sampled[i]] != qmlir_main_shapes[i][d])
        fail("%s: shape does not match the argument%s", inputs[i], "");
    if (sampled[i]) {
      if (samples >= 0 && samples != in[i].shape[0])
        fail("%s: sample count differs from the other inputs%s", inputs[i], "");
      samples = in[i].shape[0];
    }
  }
  int64_t count = samples < 0 ? 1 : samples;
  size_t bytes[NUM_ALL];
  char *out[NUM_ALL];
  for (int i = 0; i < NUM_ALL; ++i) {
    bytes[i] = (size_t)qmlir_main_element_bytes[i];
    for (int64_t d = 0; d < qmlir_main_ranks[i]; ++d)
      bytes[i] *= (size_t)qmlir_main_shapes[i][d];
    out[i] = i < NUM_IN ? NULL : malloc(bytes[i] * (size_t)count + 1);
  }
  static int64_t words[NUM_ALL][3 + 2 * QMLIR_MAIN_MAX_RANK];
  void *args[NUM_ALL];
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long r = 0; r < repeat; ++r)
    for (int64_t s = 0; s < count; ++s) {
      for (int i = 0; i < NUM_ALL; ++i) {
        char *base = i < NUM_IN ? in[i].data + (sampled[i] ? (size_t)s * bytes[i] : 0)
                                : out[i] + (size_t)s * bytes[i];
        int64_t rank = qmlir_main_ranks[i], stride = 1;
        words[i][0] = words[i][1] = (int64_t)(intptr_t)base;
        words[i][2] = 0;
        for (int64_t d = rank - 1; d >= 0; --d) {
          words[i][3 + d] = qmlir_main_shapes[i][d];
          words[i][3 + rank + d] = stride;
          stride *= qmlir_main_shapes[i][d];
        }
        args[i] = words[i];
      }
      qmlir_main_call(args);
    }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (repeat > 1) {
    double us = ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3) /
                ((double)repeat * (double)count);
    fprintf(stderr, "%ld runs x %lld samples: %.2f us per sample\n", repeat,
            (long long)count, us);
  }
  /* Compiled code stores an i4 in the low bits of its byte: widen it so
     the byte holds the value, as quant-run does. */
  for (int i = NUM_IN; i < NUM_ALL; ++i) {
    int bits = qmlir_main_sub_byte_bits[i];
    if (!bits)
      continue;
    int shift = 8 - bits, is_signed = qmlir_main_dtypes[i][1] == 'i';
    for (size_t j = 0; j < bytes[i] * (size_t)count; ++j) {
      unsigned char u = (unsigned char)(out[i][j] << shift);
      out[i][j] = is_signed ? (char)((signed char)u >> shift) : (char)(u >> shift);
    }
  }
  for (int i = NUM_IN; i < NUM_ALL; ++i) {
    int64_t shape[MAX_ARRAY_RANK];
    int rank = 0;
    if (samples >= 0)
      shape[rank++] = samples;
    for (int64_t d = 0; d < qmlir_main_ranks[i]; ++d)
      shape[rank++] = qmlir_main_shapes[i][d];
    write_npy(outputs[i - NUM_IN], qmlir_main_dtypes[i], rank, shape, out[i],
              bytes[i] * (size_t)count);
  }
  return 0;
}
