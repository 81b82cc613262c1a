// matmul, on the threaded product of product.hpp.

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "product.hpp"

namespace fulcrum {
namespace {

using detail::GemmOperand;
using detail::product;
using detail::stored;
using detail::transposed;

// A matmul operand as a matrix: a 1-d left operand is a row, a 1-d right one a column.
struct Operand {
  int64_t rows, cols;
};

}  // namespace

const char* gemm_library() { return detail::gemm_library(); }

Tensor matmul(const Tensor& a, const Tensor& b) {
  FULCRUM_CHECK_SHAPE(a.dim() >= 1 && a.dim() <= 2 && b.dim() >= 1 && b.dim() <= 2,
                      "matmul: supports 1-d and 2-d operands, got {} and {}", to_string(a.shape()),
                      to_string(b.shape()));
  const Operand pa = a.dim() == 1 ? Operand{1, a.size(0)} : Operand{a.size(0), a.size(1)};
  const Operand pb = b.dim() == 1 ? Operand{b.size(0), 1} : Operand{b.size(0), b.size(1)};
  FULCRUM_CHECK_SHAPE(pa.cols == pb.rows,
                      "matmul: shapes {} and {} cannot be multiplied ({} columns vs {} rows)",
                      to_string(a.shape()), to_string(b.shape()), pa.cols, pb.rows);
  Shape shape;
  if (a.dim() == 2) shape.push_back(pa.rows);
  if (b.dim() == 2) shape.push_back(pb.cols);
  Tensor out = Tensor::empty(shape);
  product(pa.rows, pb.cols, pa.cols, stored(a, pa.cols), stored(b, pb.cols), out.data());
  return record("matmul", out, {a, b},
                [pa, pb](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  if (in[0].requires_grad()) {  // dA = G B^T
                    Tensor da = Tensor::empty(in[0].shape());
                    product(pa.rows, pa.cols, pb.cols, stored(g, pb.cols),
                            transposed(in[1], pb.cols), da.data());
                    accumulate_grad(in[0], da);
                  }
                  if (in[1].requires_grad()) {  // dB = A^T G
                    Tensor db = Tensor::empty(in[1].shape());
                    product(pb.rows, pb.cols, pa.rows, transposed(in[0], pa.cols),
                            stored(g, pb.cols), db.data());
                    accumulate_grad(in[1], db);
                  }
                });
}

}  // namespace fulcrum
