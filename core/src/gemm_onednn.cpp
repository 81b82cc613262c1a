// gemm() on oneDNN's sgemm (row-major, like fulcrum's tensors).

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include "fulcrum/core/error.hpp"
#include "gemm.hpp"

namespace fulcrum::detail {

void gemm(int64_t m, int64_t n, int64_t k, GemmOperand a, GemmOperand b, float beta, float* c,
          int64_t ldc) {
  // oneDNN threads a product with omp_get_max_threads() threads unless it is
  // called from inside a parallel region; the caller owns the threading, so
  // the product runs on this thread alone either way.
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const dnnl_status_t status =
      dnnl_sgemm(a.transposed ? 'T' : 'N', b.transposed ? 'T' : 'N', m, n, k, 1.0f, a.data,
                 a.stride, b.data, b.stride, beta, c, ldc);
  omp_set_num_threads(threads);
  FULCRUM_CHECK(status == dnnl_success,
                "oneDNN sgemm failed (status {}) on a [{}, {}] x [{}, {}] product",
                static_cast<int>(status), m, k, k, n);
}

const char* gemm_library() { return "onednn"; }

}  // namespace fulcrum::detail
