// The matrix products of a training step (forward, dX and dW of every Linear
// layer of the benchmark workloads) timed on one GEMM library, so that the
// libraries can be compared on the shapes fulcrum runs rather than on square
// matrices. Built once per library (FULCRUM_GEMM_<NAME> picks the call);
// `scripts/bench.sh --gemm` runs them all and prints one table.
//
//   gemm_bench_<library> THREADS   prints one JSON object per line:
//   {"library", "threads", "workload", "product", "m", "n", "k", "gflops"}
//
// Row-major throughout, as fulcrum stores tensors. "threads" is the library's
// own threading where it has one (OpenMP in every library here but libxsmm,
// which is timed on one thread only).

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#if defined(FULCRUM_GEMM_OPENBLAS) || defined(FULCRUM_GEMM_BLIS)
#include <cblas.h>
#elif defined(FULCRUM_GEMM_DNNL)
#include <oneapi/dnnl/dnnl.h>
#elif defined(FULCRUM_GEMM_XSMM)
#include <libxsmm.h>
#else
#define FULCRUM_GEMM_EIGEN
#include <Eigen/Core>
#endif

namespace {

#if defined(FULCRUM_GEMM_OPENBLAS)
constexpr const char* kLibrary = "openblas";
#elif defined(FULCRUM_GEMM_BLIS)
constexpr const char* kLibrary = "blis";
#elif defined(FULCRUM_GEMM_DNNL)
constexpr const char* kLibrary = "onednn";
#elif defined(FULCRUM_GEMM_XSMM)
constexpr const char* kLibrary = "libxsmm";
#else
constexpr const char* kLibrary = "eigen";
#endif

// C[m, n] = op(A) op(B), row-major; op transposes when the flag is set.
void gemm(bool trans_a, bool trans_b, int m, int n, int k, const float* a, const float* b,
          float* c) {
#if !defined(FULCRUM_GEMM_EIGEN)
  const int lda = trans_a ? m : k, ldb = trans_b ? k : n;
#endif
#if defined(FULCRUM_GEMM_OPENBLAS) || defined(FULCRUM_GEMM_BLIS)
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, n);
#elif defined(FULCRUM_GEMM_DNNL)
  dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, n);
#elif defined(FULCRUM_GEMM_XSMM)
  // Column-major library: C^T = op(B)^T op(A)^T.
  const char ta = trans_b ? 'T' : 'N', tb = trans_a ? 'T' : 'N';
  const libxsmm_blasint mm = n, nn = m, kk = k, la = ldb, lb = lda, lc = n;
  const float alpha = 1.0f, beta = 0.0f;
  libxsmm_sgemm(&ta, &tb, &mm, &nn, &kk, &alpha, b, &la, a, &lb, &beta, c, &lc);
#else
  using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const Matrix> A(a, trans_a ? k : m, trans_a ? m : k);
  const Eigen::Map<const Matrix> B(b, trans_b ? n : k, trans_b ? k : n);
  Eigen::Map<Matrix> C(c, m, n);
  if (trans_a && trans_b)
    C.noalias() = A.transpose() * B.transpose();
  else if (trans_a)
    C.noalias() = A.transpose() * B;
  else if (trans_b)
    C.noalias() = A * B.transpose();
  else
    C.noalias() = A * B;
#endif
}

struct Product {
  std::string workload, name;
  bool trans_a, trans_b;
  int m, n, k;
};

// The three products of a Linear layer in -> out on a batch: forward
// Y = X W^T, dX = G W, dW = G^T X (dX is skipped for the first layer).
void add_layer(std::vector<Product>& out, const std::string& workload, int layer, int batch, int in,
               int out_features) {
  auto name = [layer](const char* product) {
    std::string s = "L";
    s += std::to_string(layer);
    s += product;
    return s;
  };
  out.push_back({workload, name(" fwd"), false, true, batch, out_features, in});
  if (layer > 0) out.push_back({workload, name(" dX"), false, false, batch, in, out_features});
  out.push_back({workload, name(" dW"), true, false, out_features, in, batch});
}

std::vector<Product> workloads() {
  struct Net {
    std::string name;
    int batch;
    std::vector<int> sizes;
  };
  const std::vector<Net> nets = {
      {"small", 32, {64, 64, 8}},
      {"medium", 256, {256, 512, 512, 20}},
      {"large", 512, {1024, 2048, 2048, 100}},
      {"multihead", 128, {128, 256, 22}},
      {"bibtex", 64, {1836, 256, 159}},
      {"delicious", 64, {500, 256, 983}},
      {"yeast", 64, {103, 256, 14}},
  };
  std::vector<Product> out;
  for (const Net& net : nets)
    for (size_t l = 0; l + 1 < net.sizes.size(); ++l)
      add_layer(out, net.name, static_cast<int>(l), net.batch, net.sizes[l], net.sizes[l + 1]);
  return out;
}

double seconds_per_call(const Product& p, std::vector<float>& a, std::vector<float>& b,
                        std::vector<float>& c) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < 3; ++i)
    gemm(p.trans_a, p.trans_b, p.m, p.n, p.k, a.data(), b.data(), c.data());
  double best = 1e30;
  for (int round = 0; round < 5; ++round) {
    int calls = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
      gemm(p.trans_a, p.trans_b, p.m, p.n, p.k, a.data(), b.data(), c.data());
      ++calls;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < 0.05);
    best = std::min(best, elapsed / calls);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  omp_set_num_threads(threads);
#if defined(FULCRUM_GEMM_XSMM)
  libxsmm_init();
  if (threads != 1) return 0;  // no threading of its own
#endif
  for (const Product& p : workloads()) {
    std::vector<float> a(static_cast<size_t>(p.m) * p.k), b(static_cast<size_t>(p.k) * p.n),
        c(static_cast<size_t>(p.m) * p.n);
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(i % 7) * 0.1f - 0.3f;
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(i % 5) * 0.1f - 0.2f;
    const double s = seconds_per_call(p, a, b, c);
    std::printf(
        "{\"library\": \"%s\", \"threads\": %d, \"workload\": \"%s\", \"product\": \"%s\", "
        "\"m\": %d, \"n\": %d, \"k\": %d, \"gflops\": %.2f}\n",
        kLibrary, threads, p.workload.c_str(), p.name.c_str(), p.m, p.n, p.k,
        2.0 * p.m * p.n * p.k / s * 1e-9);
  }
  return 0;
}
