// maskbench-fuzz-corpus DIR: writes the seed corpus of maskbench-fuzz,
// DIR/<family>/<kernel>-<i>, three inputs per kernel (small, medium and
// larger data, random knobs and parameters, IEEE special values mixed in)
// from a fixed seed, so that the committed corpus can be regenerated:
//   build/bin/maskbench-fuzz-corpus fuzz/corpus
// The inputs use the encoding of spec.hpp; regenerate the corpus when a
// contract's knobs or parameters change.
#include <filesystem>
#include <fstream>
#include <type_traits>

#include <fmt/format.h>

#include "harness/values.hpp"
#include "kernels.hpp"

namespace {

using namespace maskbench;
using conformance::Rng;

template <class T>
T random_element(Rng& rng) {
  static const std::vector<float> specials = conformance::special_floats();
  if constexpr (std::is_same_v<T, float>)
    return rng() % 8 ? conformance::random_float(rng, -6, 6) : specials[rng() % specials.size()];
  else if constexpr (std::is_same_v<T, std::uint8_t>)
    return rng() % 3 ? std::uint8_t{' '} : static_cast<std::uint8_t>(rng());
  else
    return static_cast<T>(static_cast<std::int64_t>(rng() % 2001) - 1000);
}

template <class S>
conformance::CaseOf<S> random_case(Rng& rng, std::size_t size_class) {
  conformance::CaseOf<S> c;
  for (const conformance::KnobDef& k : S::knobs) c.knobs.push_back(rng() % std::min<std::size_t>(k.limit, 4 + 30 * size_class));
  for (std::size_t i = 0; i < S::params.size(); ++i)
    c.params.push_back(static_cast<typename S::P>(conformance::random_float(rng, -2, 2)));
  const std::size_t n = (std::size_t{1} << (3 + 3 * size_class)) + rng() % 8;
  for (std::size_t i = 0; i < n; ++i) c.data.push_back(random_element<typename S::T>(rng));
  return c;
}

struct Writer {
  std::filesystem::path dir;
  Rng rng{0x636f72707573ull};
  template <class S>
  void write(std::uint8_t family_index, std::uint8_t kernel_index) {
    for (std::size_t i = 0; i < 3; ++i) {
      const auto bytes = fuzz::encode<S>(family_index, kernel_index, random_case<S>(rng, i));
      const std::filesystem::path file = dir / S::Table::kFamily / fmt::format("{}-{}", S::name, i);
      std::filesystem::create_directories(file.parent_path());
      std::ofstream out(file, std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      if (!out) throw std::runtime_error(fmt::format("{}: cannot be written", file.string()));
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fmt::print(stderr, "usage: maskbench-fuzz-corpus DIR\n");
    return 2;
  }
  try {
    Writer w{argv[1]};
    const auto families = fuzz::fuzz_families();
    // Indices as LLVMFuzzerTestOneInput reads them: the family among
    // fuzz_families(), the kernel among kernels_of(family).
    const auto index = [&](std::string_view family, std::string_view name) {
      const auto f = std::find(families.begin(), families.end(), family) - families.begin();
      const auto of = fuzz::kernels_of(family);
      const auto k = std::find_if(of.begin(), of.end(), [&](const fuzz::FuzzKernel* e) { return e->name == name; }) -
                     of.begin();
      return std::pair{static_cast<std::uint8_t>(f), static_cast<std::uint8_t>(k)};
    };
    const auto put = [&]<class S>(S*) {
      const auto [f, k] = index(S::Table::kFamily, S::name);
      w.write<S>(f, k);
    };
    std::apply([&](auto*... specs) { (put(specs), ...); }, conformance::AllContracts{});
  } catch (const std::exception& e) {
    fmt::print(stderr, "maskbench-fuzz-corpus: {}\n", e.what());
    return 1;
  }
  return 0;
}
