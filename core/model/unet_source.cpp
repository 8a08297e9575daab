#include "core/model/unet_source.h"

#include <functional>
#include <sstream>

#include "core/common/error.h"
#include "core/nn/unet.h"

namespace ss::model {

std::string flatName(const std::string& dotted) {
  std::string s = dotted;
  for (auto& c : s)
    if (c == '.') c = '_';
  return s;
}

namespace {

class Emitter {
 public:
  Emitter(int groups, std::function<bool(const std::string&)> hasSkip)
      : m_groups(groups), m_hasSkip(std::move(hasSkip)) {}

  std::string p(const std::string& name) const { return "self." + flatName(name); }
  std::string conv(const std::string& x, const std::string& name, int stride, int pad) const {
    return "torch.conv2d(" + x + ", " + p(name + ".weight") + ", " + p(name + ".bias") + ", [" +
           std::to_string(stride) + ", " + std::to_string(stride) + "], [" + std::to_string(pad) +
           ", " + std::to_string(pad) + "])";
  }
  std::string norm(const std::string& x, const std::string& name) const {
    return "torch.group_norm(" + x + ", " + std::to_string(m_groups) + ", " + p(name + ".weight") +
           ", " + p(name + ".bias") + ", 1e-05)";
  }
  std::string linear(const std::string& x, const std::string& name) const {
    return "(torch.matmul(" + x + ", " + p(name + ".weight") + ".t()) + " + p(name + ".bias") + ")";
  }
  // h = ResBlock(h, e), as ResBlockImpl::forward.
  void block(const std::string& name) {
    line("r = " + conv("torch.silu(" + norm("h", name + ".norm1") + ")", name + ".conv1", 1, 1));
    line("r = r + " + linear("e", name + ".emb") + ".unsqueeze(-1).unsqueeze(-1)");
    line("r = " + conv("torch.silu(" + norm("r", name + ".norm2") + ")", name + ".conv2", 1, 1));
    line("h = " + (m_hasSkip(name) ? conv("h", name + ".skip", 1, 0) : std::string("h")) + " + r");
  }
  void line(const std::string& text) { m_s << "    " << text << "\n"; }
  std::string str() const { return m_s.str(); }

 private:
  int m_groups;
  std::function<bool(const std::string&)> m_hasSkip;
  std::ostringstream m_s;
};

// ε = −σ s = σx/q + (a σ_d/√q)·raw(x/√q, t), raw returning −net (nn::scoreOf).
std::string preconditioned(double sigmaData, const std::string& marginal) {
  std::ostringstream s;
  s.precision(17);
  s << "def forward(self, x, t):\n"
    << marginal << "    a = a.view(-1, 1, 1, 1)\n"
    << "    sig = sig.view(-1, 1, 1, 1)\n"
    << "    q = sig * sig + a * a * " << sigmaData * sigmaData << "\n"
    << "    rq = torch.sqrt(q)\n"
    << "    return sig * x / q + (a * " << sigmaData << " / rq) * self.raw(x / rq, t)\n\n";
  return s.str();
}

}  // namespace

std::string unetSource(const nn::UNetConfig& c,
                       const std::function<bool(const std::string& block)>& hasSkip,
                       const std::string& marginal) {
  Emitter e(c.groups, hasSkip);
  const int levels = static_cast<int>(c.multipliers.size());
  const int perLevel = nn::UNet::kBlocksPerLevel;
  const bool pre = c.sigmaData > 0;
  if (pre && marginal.empty())
    throw Failure("a preconditioned U-Net's export needs its SDE's a(t) and sigma(t)");
  std::string src = pre ? preconditioned(c.sigmaData, marginal) + "def raw(self, x, t):\n"
                        : "def forward(self, x, t):\n";
  e.line("pt = torch.outer(t.float(), self.time_W) * 6.283185307179586");
  e.line("f = torch.cat([torch.sin(pt), torch.cos(pt)], 1)");
  e.line("e = torch.silu(" + e.linear("torch.silu(" + e.linear("f", "emb1") + ")", "emb2") + ")");
  e.line("h = " + e.conv("x", "conv_in", 1, 1));
  e.line("hs = [h]");
  for (int l = 0, i = 0; l < levels; ++l) {
    for (int b = 0; b < perLevel; ++b, ++i) {
      e.block("down." + std::to_string(i));
      e.line("hs.append(h)");
    }
    if (l + 1 < levels) {
      e.line("h = " + e.conv("h", "downsample." + std::to_string(l), 2, 1));
      e.line("hs.append(h)");
    }
  }
  for (int i = 0; i < 2; ++i) e.block("mid." + std::to_string(i));
  for (int l = levels - 1, i = 0; l >= 0; --l) {
    for (int b = 0; b <= perLevel; ++b, ++i) {
      e.line("h = torch.cat([h, hs.pop()], 1)");
      e.block("up." + std::to_string(i));
    }
    if (l > 0) {
      e.line("skip = hs[-1]");
      e.line("h = h.repeat_interleave(2, 2).repeat_interleave(2, 3)");
      e.line("h = h[:, :, :skip.size(2), :skip.size(3)]");
      e.line("h = " + e.conv("h", "upsample." + std::to_string(levels - 1 - l), 1, 1));
    }
  }
  e.line("h = " + e.conv("torch.silu(" + e.norm("h", "norm_out") + ")", "conv_out", 1, 1));
  e.line("return -h");
  return src + e.str();
}

}  // namespace ss::model
