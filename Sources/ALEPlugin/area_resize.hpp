// area_resize.hpp — downscaling a grayscale image by pixel-area averaging,
// computing exactly what OpenCV's cv::resize(…, INTER_AREA) computes for a
// single-channel 8-bit image and a non-integer scale (Gymnasium's
// AtariPreprocessing resizes 210×160 screens to 84×84 that way).
#pragma once

#include <cstdint>
#include <vector>

namespace hogwild_ale {

/// A fixed source → destination size, with its weight tables built once.
///
/// Each destination pixel covers a `scale`-wide cell of source pixels
/// (scale = source / destination, per axis); a source pixel contributes
/// the fraction of it the cell covers, divided by the cell's width. The
/// arithmetic replicates OpenCV's: cell bounds in double, weights rounded
/// to float, a horizontal pass per source row accumulated in float in
/// OpenCV's order, then a vertical pass in float, rounded half to even and
/// saturated to 0…255. Same order, same roundings: the same bytes.
/// (No fused multiply-adds: the file is built with -ffp-contract=off.)
class AreaResize {
 public:
  AreaResize(int sourceWidth, int sourceHeight, int width, int height);

  /// Writes the `width × height` image of `source` (row-major, one byte per
  /// pixel) into `destination`. Allocates nothing.
  void apply(const uint8_t *source, uint8_t *destination);

 private:
  /// One term of a destination pixel: source index, destination index, weight.
  struct Tap {
    int source;
    int destination;
    float weight;
  };
  static std::vector<Tap> taps(int sourceSize, int size, double scale);
  /// The horizontal pass, with `Taps` terms per column (0: columnTaps_).
  template <int Taps>
  void horizontal(const uint8_t *source);

  int sourceWidth_, sourceHeight_, width_, height_;
  std::vector<Tap> columns_, rows_;
  /// Column x's terms: columnSource_/columnWeight_[x · columnTaps_ + k].
  int columnTaps_ = 0;
  std::vector<int> columnSource_;
  std::vector<float> columnWeight_;
  /// The horizontal pass: one row of `width` sums per source row.
  std::vector<float> rowSums_;
  /// The destination row being accumulated.
  std::vector<float> accumulator_;
};

}  // namespace hogwild_ale
