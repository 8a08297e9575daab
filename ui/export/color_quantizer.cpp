#include "ui/export/color_quantizer.h"

#include <algorithm>
#include <array>
#include <limits>

namespace ss::ui {

namespace {

constexpr int kBits = 6;  // per channel: 4×4×4 levels share a bin, a smaller error than GIF's
constexpr int kShift = 8 - kBits;
constexpr size_t kBins = size_t{1} << (3 * kBits);
constexpr int kRefine = 1;  // k-means steps after the cut

size_t binOf(const unsigned char* p) {
  return (size_t{p[0]} >> kShift) << (2 * kBits) | (size_t{p[1]} >> kShift) << kBits |
         (size_t{p[2]} >> kShift);
}

struct Cell {
  std::array<double, 3> c;  // the mean colour of the bin's pixels
  double w;                 // its pixel count
  uint32_t bin;
};

// Weighted moments of a run of cells; sse ignores the spread inside each bin.
struct Moments {
  double w = 0;
  std::array<double, 3> s{}, q{};
  void add(const Cell& c) {
    w += c.w;
    for (int k = 0; k < 3; ++k) s[k] += c.w * c.c[k], q[k] += c.w * c.c[k] * c.c[k];
  }
  double var(int k) const { return w > 0 ? q[k] - s[k] * s[k] / w : 0; }
  double sse() const { return var(0) + var(1) + var(2); }
  Moments minus(const Moments& o) const {
    Moments m;
    m.w = w - o.w;
    for (int k = 0; k < 3; ++k) m.s[k] = s[k] - o.s[k], m.q[k] = q[k] - o.q[k];
    return m;
  }
};

struct Box {
  size_t begin, end;
  Moments m;
};

Moments momentsOf(const std::vector<Cell>& cells, size_t b, size_t e) {
  Moments m;
  for (size_t i = b; i < e; ++i) m.add(cells[i]);
  return m;
}

// Splits box at the position along its widest axis that minimises the two halves' total sse
// (better than the plain median for a few large flat areas next to gradients).
std::pair<Box, Box> split(std::vector<Cell>& cells, const Box& box) {
  int axis = 0;
  for (int k = 1; k < 3; ++k)
    if (box.m.var(k) > box.m.var(axis)) axis = k;
  std::sort(cells.begin() + static_cast<ptrdiff_t>(box.begin),
            cells.begin() + static_cast<ptrdiff_t>(box.end),
            [axis](const Cell& a, const Cell& b) { return a.c[axis] < b.c[axis]; });
  Moments left;
  double best = std::numeric_limits<double>::infinity();
  size_t at = box.begin + 1;
  Moments bestLeft;
  for (size_t i = box.begin; i + 1 < box.end; ++i) {
    left.add(cells[i]);
    const double cost = left.sse() + box.m.minus(left).sse();
    if (cost < best) best = cost, at = i + 1, bestLeft = left;
  }
  return {Box{box.begin, at, bestLeft}, Box{at, box.end, box.m.minus(bestLeft)}};
}

// The nearest palette entry by squared RGB distance. Entries are sorted by red and searched
// outward from the query's red until the red gap alone exceeds the best distance: about 10×
// fewer comparisons than a linear scan of 256 entries for smooth images.
class Nearest {
 public:
  explicit Nearest(const std::vector<RgbColor>& pal) : m_pal(pal), m_order(pal.size()) {
    for (size_t i = 0; i < pal.size(); ++i) m_order[i] = static_cast<int>(i);
    std::sort(m_order.begin(), m_order.end(), [&](int a, int b) { return pal[a].r < pal[b].r; });
    for (int i : m_order) m_red.push_back(pal[i].r);
  }
  int operator()(const std::array<double, 3>& c) const {
    const auto n = static_cast<ptrdiff_t>(m_order.size());
    const ptrdiff_t start = std::lower_bound(m_red.begin(), m_red.end(), c[0]) - m_red.begin();
    int best = m_order[std::min(start, n - 1)];
    double bestD = std::numeric_limits<double>::infinity();
    ptrdiff_t up = start, down = start - 1;
    while (up < n || down >= 0) {
      for (ptrdiff_t* at : {&up, &down}) {
        if (*at < 0 || *at >= n) continue;
        const double dr = m_red[*at] - c[0];
        if (dr * dr >= bestD) {
          *at = at == &up ? n : -1;  // everything further out is further still
          continue;
        }
        const RgbColor& p = m_pal[m_order[*at]];
        const double dg = p.g - c[1], db = p.b - c[2], d = dr * dr + dg * dg + db * db;
        if (d < bestD) bestD = d, best = m_order[*at];
        *at += at == &up ? 1 : -1;
      }
    }
    return best;
  }

 private:
  const std::vector<RgbColor>& m_pal;
  std::vector<int> m_order;
  std::vector<double> m_red;  // sorted
};

unsigned char toByte(double v) {
  return static_cast<unsigned char>(std::clamp(v + 0.5, 0.0, 255.0));
}

}  // namespace

IndexedImage ColorQuantizer::quantize(const unsigned char* rgb, size_t n, int maxColors) {
  maxColors = std::clamp(maxColors, 2, 256);
  IndexedImage out;
  out.indices.resize(n);
  if (n == 0) {
    out.palette.resize(1);
    return out;
  }
  if (!exact(rgb, n, maxColors, out)) medianCut(rgb, n, maxColors, out);
  return out;
}

// Open addressing over the 24-bit colours; gives up at the (maxColors + 1)-th colour.
bool ColorQuantizer::exact(const unsigned char* rgb, size_t n, int maxColors,
                           IndexedImage& out) const {
  constexpr uint32_t kSlots = 1024;  // ≥ 4 × 256: short probe chains
  std::array<uint32_t, kSlots> keys{};
  std::array<unsigned char, kSlots> index{};
  uint32_t lastKey = 0;
  unsigned char lastIndex = 0;
  out.palette.clear();
  for (size_t i = 0; i < n; ++i) {
    const unsigned char* p = rgb + 3 * i;
    const uint32_t key = (uint32_t{p[0]} << 16 | uint32_t{p[1]} << 8 | p[2]) + 1;  // 0: empty
    if (key != lastKey) {
      uint32_t h = (key * 2654435761u) >> 22;  // 10 bits
      while (keys[h] != 0 && keys[h] != key) h = (h + 1) & (kSlots - 1);
      if (keys[h] == 0) {
        if (out.palette.size() == static_cast<size_t>(maxColors)) return false;
        keys[h] = key;
        index[h] = static_cast<unsigned char>(out.palette.size());
        out.palette.push_back({p[0], p[1], p[2]});
      }
      lastKey = key;
      lastIndex = index[h];
    }
    out.indices[i] = lastIndex;
  }
  return true;
}

void ColorQuantizer::medianCut(const unsigned char* rgb, size_t n, int maxColors,
                               IndexedImage& out) {
  if (m_count.empty()) {
    m_count.assign(kBins, 0);
    m_sum.assign(3 * kBins, 0);
    m_binIndex.assign(kBins, 0);
  }
  for (size_t i = 0; i < n; ++i) {
    const unsigned char* p = rgb + 3 * i;
    const size_t b = binOf(p);
    if (m_count[b]++ == 0) m_touched.push_back(static_cast<uint32_t>(b));
    for (int k = 0; k < 3; ++k) m_sum[3 * b + k] += p[k];
  }
  std::vector<Cell> cells;
  cells.reserve(m_touched.size());
  for (uint32_t b : m_touched) {
    const double w = m_count[b];
    cells.push_back({{m_sum[3 * b] / w, m_sum[3 * b + 1] / w, m_sum[3 * b + 2] / w}, w, b});
    m_count[b] = 0;
    m_sum[3 * b] = m_sum[3 * b + 1] = m_sum[3 * b + 2] = 0;
  }
  m_touched.clear();

  // Split the box of largest sse until maxColors boxes or every box is one bin.
  std::vector<Box> boxes{Box{0, cells.size(), momentsOf(cells, 0, cells.size())}};
  while (static_cast<int>(boxes.size()) < maxColors) {
    size_t pick = boxes.size();
    double worst = 0;
    for (size_t i = 0; i < boxes.size(); ++i)
      if (boxes[i].end - boxes[i].begin > 1 && boxes[i].m.sse() > worst)
        worst = boxes[i].m.sse(), pick = i;
    if (pick == boxes.size()) break;
    auto [a, b] = split(cells, boxes[pick]);
    boxes[pick] = a;
    boxes.push_back(b);
  }

  // One k-means step: each bin to its nearest box mean, then the means of those groups.
  std::vector<RgbColor> pal;
  for (const Box& b : boxes)
    pal.push_back({toByte(b.m.s[0] / b.m.w), toByte(b.m.s[1] / b.m.w), toByte(b.m.s[2] / b.m.w)});
  for (int it = 0; it < kRefine; ++it) {
    std::vector<Moments> groups(pal.size());
    const Nearest nearest(pal);
    for (const Cell& c : cells) groups[nearest(c.c)].add(c);
    for (size_t j = 0; j < pal.size(); ++j)
      if (groups[j].w > 0)
        pal[j] = {toByte(groups[j].s[0] / groups[j].w), toByte(groups[j].s[1] / groups[j].w),
                  toByte(groups[j].s[2] / groups[j].w)};
  }
  const Nearest nearest(pal);
  for (const Cell& c : cells) m_binIndex[c.bin] = static_cast<unsigned char>(nearest(c.c));

  out.palette = std::move(pal);
  for (size_t i = 0; i < n; ++i) out.indices[i] = m_binIndex[binOf(rgb + 3 * i)];
}

}  // namespace ss::ui
