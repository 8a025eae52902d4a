// A program outside the suite, built against the installed maskbench only
// (tests/install_test.sh): cond.select through the registry on every
// implementation usable here (it runs on this CPU and is no known defect of
// the compiler that built the library), and a checkpoint written and read
// back.
#include <cstdio>

#include <maskbench/cond.hpp>
#include <maskbench/known_defects.hpp>
#include <maskbench/registry.hpp>
#include <maskbench/safetensors.hpp>

static int fail(const char* what, double got, double want) {
  std::printf("FAIL: %s is %g, expected %g\n", what, got, want);
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const float x[4] = {-2.0f, 0.0f, 1.0f, 2.0f}, want[4] = {-6.0f, 0.0f, 3.0f, 5.0f};  // x > 0.5 ? 2x+1 : 3x
  int ran = 0;
  for (const maskbench::Implementation& impl : maskbench::implementations()) {
    const auto* k = impl.kernels<maskbench::CondKernels>();
    if (k == nullptr || !maskbench::usable(impl).ok) continue;
    float y[4];
    k->select(x, y, 4, 0.5f, 2.0f, 1.0f, 3.0f);
    for (int i = 0; i < 4; ++i)
      if (y[i] != want[i]) return fail(impl.name.data(), y[i], want[i]);  // names are string literals
    ++ran;
  }
  maskbench::safetensors::SafetensorsWriter out(argv[1], {{"x", {4}}});
  out.write(x, 4);
  out.commit();
  const maskbench::safetensors::SafetensorsFile in(argv[1]);
  float back[4] = {};
  maskbench::safetensors::read_as_f32(in.tensors().at(0), 0, 4, back);
  if (ran == 0) return fail("the number of implementations run", 0, 1);
  if (back[3] != x[3]) return fail("x[3] read back", back[3], x[3]);
  std::printf("PASS: cond.select on %d implementations, %s read back\n", ran, argv[1]);
  return 0;
}
