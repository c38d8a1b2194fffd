// area_resize.cpp — see area_resize.hpp. Written from the behaviour of
// OpenCV's INTER_AREA (its table of fractional cell weights, float
// accumulation and cvRound); the parity fixture (scripts/atari_parity.c)
// compares the result with cv2.resize byte for byte.
#include "area_resize.hpp"

#include <algorithm>
#include <cmath>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace hogwild_ale {

namespace {

// cvRound: to nearest, ties to even (the SSE conversion OpenCV uses on x86,
// inline; std::lrint may be a libm call where errno is kept).
inline int roundHalfEven(float v) {
#if defined(__SSE2__)
  return _mm_cvtss_si32(_mm_set_ss(v));
#else
  return static_cast<int>(std::nearbyint(v));
#endif
}

}  // namespace

AreaResize::AreaResize(int sourceWidth, int sourceHeight, int width, int height)
    : sourceWidth_(sourceWidth), sourceHeight_(sourceHeight), width_(width), height_(height) {
  // OpenCV takes the scale as 1 / (destination / source), in double.
  double scaleX = 1.0 / (static_cast<double>(width) / sourceWidth);
  double scaleY = 1.0 / (static_cast<double>(height) / sourceHeight);
  columns_ = taps(sourceWidth, width, scaleX);
  rows_ = taps(sourceHeight, height, scaleY);
  // The column taps as a width × columnTaps_ table, padded with weight 0.
  std::vector<int> count(width, 0);
  for (const Tap &t : columns_) count[t.destination]++;
  columnTaps_ = *std::max_element(count.begin(), count.end());
  columnSource_.assign(static_cast<size_t>(width) * columnTaps_, 0);
  columnWeight_.assign(static_cast<size_t>(width) * columnTaps_, 0.0f);
  std::fill(count.begin(), count.end(), 0);
  for (const Tap &t : columns_) {
    size_t at = static_cast<size_t>(t.destination) * columnTaps_ + count[t.destination]++;
    columnSource_[at] = t.source;
    columnWeight_[at] = t.weight;
  }
  rowSums_.assign(static_cast<size_t>(sourceHeight) * width, 0.0f);
  accumulator_.assign(width, 0.0f);
}

// For destination pixel d the cell is [d·scale, d·scale + scale): a partial
// first source pixel (if the cell starts more than 1e-3 inside one), the
// whole pixels, and a partial last one (if more than 1e-3 of it is covered),
// each weighted by its covered length over the cell's width (the width is cut
// at the image's edge).
std::vector<AreaResize::Tap> AreaResize::taps(int sourceSize, int size, double scale) {
  std::vector<Tap> out;
  for (int d = 0; d < size; d++) {
    double start = d * scale;
    double end = start + scale;
    double cell = std::min(scale, sourceSize - start);
    int first = static_cast<int>(std::ceil(start));
    int last = static_cast<int>(std::floor(end));
    last = std::min(last, sourceSize - 1);
    first = std::min(first, last);
    if (first - start > 1e-3) out.push_back({first - 1, d, static_cast<float>((first - start) / cell)});
    for (int s = first; s < last; s++) out.push_back({s, d, static_cast<float>(1.0 / cell)});
    if (end - last > 1e-3) {
      double covered = std::min(std::min(end - last, 1.0), cell);
      out.push_back({last, d, static_cast<float>(covered / cell)});
    }
  }
  return out;
}

template <int Taps>
void AreaResize::horizontal(const uint8_t *source) {
  const int n = Taps > 0 ? Taps : columnTaps_;
  for (int y = 0; y < sourceHeight_; y++) {
    const uint8_t *row = source + static_cast<size_t>(y) * sourceWidth_;
    float *sums = rowSums_.data() + static_cast<size_t>(y) * width_;
    const int *index = columnSource_.data();
    const float *weight = columnWeight_.data();
    for (int x = 0; x < width_; x++, index += n, weight += n) {
      float sum = 0.0f;
      for (int k = 0; k < n; k++) sum += static_cast<float>(row[index[k]]) * weight[k];
      sums[x] = sum;
    }
  }
}

void AreaResize::apply(const uint8_t *source, uint8_t *destination) {
  // Horizontal: each source row once (OpenCV recomputes a row that two
  // destination rows share; the sums are the same floats either way). A
  // column's sum stays in a register, 0 + a·w + b·w' + … in table order as
  // OpenCV adds; every column has the same number of terms (the padding
  // adds 0·pixel = +0, which changes no sum), so the loop never branches on
  // the count.
  if (columnTaps_ == 3) {
    horizontal<3>(source);  // 160 → 84 (a cell of 1.9 pixels): unrolled
  } else {
    horizontal<0>(source);
  }
  // Vertical: the first term of a destination row starts its sum, the others
  // add to it, in table order; then round half to even and saturate.
  float *acc = accumulator_.data();
  auto flush = [&](int y) {
    uint8_t *out = destination + static_cast<size_t>(y) * width_;
    for (int x = 0; x < width_; x++) {
      int v = roundHalfEven(acc[x]);
      out[x] = static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
    }
  };
  int current = -1;
  for (const Tap &t : rows_) {
    const float *sums = rowSums_.data() + static_cast<size_t>(t.source) * width_;
    if (t.destination != current) {
      if (current >= 0) flush(current);
      for (int x = 0; x < width_; x++) acc[x] = t.weight * sums[x];
      current = t.destination;
    } else {
      for (int x = 0; x < width_; x++) acc[x] += t.weight * sums[x];
    }
  }
  if (current >= 0) flush(current);
}

}  // namespace hogwild_ale
