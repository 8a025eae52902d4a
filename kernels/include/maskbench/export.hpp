#pragma once
// The kernel library is built with hidden visibility so that inline templates
// compiled for one ISA level never leak to another; the public API opts back in.
#define MB_API __attribute__((visibility("default")))
