// Deliberately breaks the rule that tests/isa_symbols.py enforces, for its
// negative test: compiled twice (tests/CMakeLists.txt), once with ISA flags
// and listed as an implementation object, once without. Each copy defines
// the same global function and instantiates std::vector<float>, whose
// members are weak definitions. Never linked into anything.
#include <cstddef>
#include <vector>

float mb_planted_sum(const float* x, std::size_t n) {
  std::vector<float> copy(x, x + n);
  float s = 0.0f;
  for (float v : copy) s += v;
  return s;
}
