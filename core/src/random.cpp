#include "fulcrum/core/random.hpp"

#include <cmath>
#include <cstdlib>
#include <numbers>
#include <sstream>

#include "fulcrum/core/error.hpp"

namespace fulcrum {

float Generator::normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  // Box-Muller in double; 1 - u keeps the log argument in (0, 1].
  const double u1 = 1.0 - static_cast<double>(engine_() >> 11) * 0x1.0p-53;
  const double u2 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_normal_ = static_cast<float>(r * std::sin(theta));
  has_spare_normal_ = true;
  return static_cast<float>(r * std::cos(theta));
}

uint64_t Generator::below(uint64_t n) {
  // Rejection sampling: unbiased, unlike engine_() % n.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = engine_();
  while (x >= limit);
  return x % n;
}

std::string Generator::state() const {
  std::ostringstream out;
  out << engine_ << ' ' << has_spare_normal_ << ' ' << std::hexfloat << spare_normal_;
  return out.str();
}

void Generator::set_state(const std::string& state) {
  std::istringstream in(state);
  MersenneTwister64 engine;
  bool has_spare = false;
  std::string spare_text;
  in >> engine >> has_spare >> spare_text;
  FULCRUM_CHECK(!in.fail(), "Generator::set_state: not a generator state ({} characters)",
                state.size());
  engine_ = engine;
  has_spare_normal_ = has_spare;
  spare_normal_ = std::strtof(spare_text.c_str(), nullptr);
}

Generator& default_generator() {
  static Generator gen(0);
  return gen;
}

void manual_seed(uint64_t seed) { default_generator() = Generator(seed); }

Tensor uniform(const Shape& shape, float low, float high, Generator& gen) {
  Tensor t = Tensor::empty(shape);
  gen.fill_uniform(t.values());
  // The expression of Generator::uniform(low, high), so the same rounding.
  for (float& v : t.values()) v = low + (high - low) * v;
  return t;
}

Tensor normal(const Shape& shape, float mean, float stddev, Generator& gen) {
  Tensor t = Tensor::empty(shape);
  for (float& v : t.values()) v = mean + stddev * gen.normal();
  return t;
}

Tensor bernoulli(const Shape& shape, float p, Generator& gen) {
  Tensor t = Tensor::empty(shape);
  gen.fill_bernoulli(t.values(), p);
  return t;
}

uint64_t splitmix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t derive_seed(uint64_t seed, uint64_t stream) {
  return splitmix64(seed ^ splitmix64(stream));
}

}  // namespace fulcrum
