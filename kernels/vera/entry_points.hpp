#pragma once
// The entry points of a VeRA implementation, the same glue in each: W0 is
// f32 or bf16, A and B are read from memory or regenerated from the seed,
// merge and unmerge differ in sign. Included inside the implementation's
// namespace (MB_NS, anonymous) once it has defined the row adaptors F32Rows,
// Bf16Rows and SeededRows, forward_rows(layer, w0_rows, a_rows, b_rows, x, y,
// m) and merge_all(layer, w0_rows, w, sign).

template <class ARows, class BRows>
void forward_any(const maskbench::VeraLayer& L, const ARows& a, const BRows& b, const float* x, float* y, std::size_t m) {
  if (L.w0_type == maskbench::VeraWeight::bf16)
    forward_rows(L, Bf16Rows{static_cast<const maskbench::Bf16*>(L.w0), L.in}, a, b, x, y, m);
  else
    forward_rows(L, F32Rows{static_cast<const float*>(L.w0), L.in}, a, b, x, y, m);
}

void forward_batch(const maskbench::VeraLayer& L, const float* x, float* y, std::size_t m) {
  forward_any(L, F32Rows{L.a, L.lda}, F32Rows{L.b, L.ldb}, x, y, m);
}

void forward(const maskbench::VeraLayer& L, const float* x, float* y) { forward_batch(L, x, y, 1); }

void forward_regen(const maskbench::VeraLayer& L, const maskbench::VeraSeed& s, const float* x, float* y, std::size_t m) {
  forward_any(L, SeededRows{s.seed, maskbench::VeraMatrix::a, maskbench::vera_scale(s.a_fan_in)},
              SeededRows{s.seed, maskbench::VeraMatrix::b, maskbench::vera_scale(L.r)}, x, y, m);
}

void merge_signed(const maskbench::VeraLayer& L, float* w, float sign) {
  if (L.w0_type == maskbench::VeraWeight::bf16)
    merge_all(L, Bf16Rows{static_cast<const maskbench::Bf16*>(L.w0), L.in}, w, sign);
  else
    merge_all(L, F32Rows{static_cast<const float*>(L.w0), L.in}, w, sign);
}

void merge(const maskbench::VeraLayer& L, float* w) { merge_signed(L, w, 1.0f); }
void unmerge(const maskbench::VeraLayer& L, float* w) { merge_signed(L, w, -1.0f); }
