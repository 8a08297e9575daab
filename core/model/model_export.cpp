#include "core/model/model_export.h"

#include <torch/script.h>

#include <filesystem>
#include <sstream>

#include "core/model/unet_source.h"
#include "core/nn/mlp.h"

namespace ss::model {

namespace {

// Copies a tensor out of the trained module (the export owns its weights).
torch::Tensor owned(const torch::Tensor& t) { return t.detach().to(torch::kCPU).clone(); }

// forward(x, t) for our MLP: [x or Fourier(x), Fourier(t)] → depth × (Linear, SiLU) → Linear,
// negated: our output is σ·s (score = out/σ), and the format's "eps" is ε = −σ·s = −out.
std::string mlpSource(const nn::MlpNet& net) {
  std::ostringstream s;
  s << "def forward(self, x, t):\n"
    << "    pt = torch.outer(t.float(), self.time_W) * 6.283185307179586\n";
  if (net.xW().defined())
    s << "    px = torch.matmul(x, self.x_W) * 6.283185307179586\n"
      << "    h = torch.cat([torch.sin(px), torch.cos(px), torch.sin(pt), torch.cos(pt)], 1)\n";
  else
    s << "    h = torch.cat([x, torch.sin(pt), torch.cos(pt)], 1)\n";
  for (size_t i = 0; i < net.hidden().size(); ++i)
    s << "    h = torch.silu(torch.matmul(h, self.hidden" << i << "_weight.t()) + self.hidden" << i
      << "_bias)\n";
  s << "    return -(torch.matmul(h, self.out_weight.t()) + self.out_bias)\n";
  return s.str();
}

// A TorchScript module holding copies of `net`'s parameters and buffers under their
// flattened names, with `source` as its forward.
torch::jit::Module scriptOf(const torch::nn::Module& net, const std::string& source,
                            const std::string& name) {
  torch::jit::Module m(name);
  for (const auto& b : net.named_buffers()) m.register_buffer(flatName(b.key()), owned(b.value()));
  for (const auto& p : net.named_parameters())
    m.register_parameter(flatName(p.key()), owned(p.value()), false);
  m.define(source);
  m.eval();
  return m;
}

// TorchScript lines setting a and sig (float32 [B]) to a(t) and σ(t) (docs/MODEL_FORMAT.md's
// table); "" for an SDE whose closed form the export does not write (vp-cosine: its β cap).
std::string marginalSource(const sde::SdeConfig& c) {
  std::ostringstream s;
  s.precision(17);
  s << "    t = t.float()\n";
  switch (c.kind) {
    case sde::SdeKind::VP:
    case sde::SdeKind::SubVP:
      s << "    i = " << c.betaMin << " * t + 0.5 * t * t * " << c.betaMax - c.betaMin << "\n"
        << "    a = torch.exp(-0.5 * i)\n"
        << (c.kind == sde::SdeKind::VP ? "    sig = torch.sqrt(-torch.expm1(-i))\n"
                                       : "    sig = -torch.expm1(-i)\n");
      break;
    case sde::SdeKind::VE:
      s << "    a = torch.ones_like(t)\n"
        << "    sig = " << c.sigmaMin << " * torch.pow(" << c.sigmaMax / c.sigmaMin << ", t)\n";
      break;
    case sde::SdeKind::RF:
      s << "    a = 1.0 - t\n    sig = t\n";
      break;
    case sde::SdeKind::VPCosine:
      return "";
  }
  return s.str();
}

torch::jit::Module scriptUNet(const nn::ScoreNet& net, const nn::UNetConfig& config,
                              const sde::SdeConfig& sde) {
  const auto params = net.named_parameters();
  std::string marginal;
  if (config.sigmaData > 0 && (marginal = marginalSource(sde)).empty())
    throw Failure("a preconditioned U-Net on " + std::string(sde::toString(sde.kind)) +
                  " cannot be exported (only vp, subvp, ve and rf)");
  const auto source = unetSource(
      config, [&](const std::string& block) { return params.contains(block + ".skip.weight"); },
      marginal);
  return scriptOf(net, source, "ScoreScopeUNet");
}

ModelMeta metaOf(const train::ModelSnapshot& snap, const std::string& name) {
  ModelMeta m;
  m.image = snap.isImage();
  if (m.image)
    m.shape = {snap.channels(), snap.imageSize(), snap.imageSize()};
  else
    m.dim = snap.net.mlp.dim;
  m.sde = snap.sde->config();
  m.output = Output::Eps;
  m.timeInput = TimeInput::T;
  m.dataset = snap.data;
  m.name = name.empty() ? "ScoreScope " + nn::toString(snap.net.kind) + " on " + snap.data : name;
  m.notes = "exported by scorescope " SCORESCOPE_VERSION " at step " + std::to_string(snap.step);
  return m;
}

}  // namespace

Expected<torch::jit::Module> scriptedNet(const train::ModelSnapshot& snap) {
  if (snap.imported) return Error{"an imported model is already TorchScript: copy its file"};
  try {
    if (snap.net.kind == nn::NetKind::UNet)
      return scriptUNet(*snap.ema, snap.net.unet, snap.sde->config());
    const auto* mlp = dynamic_cast<const nn::MlpNet*>(snap.ema.get());
    if (!mlp) return Error{"the model's network is not an MLP"};
    return scriptOf(*mlp, mlpSource(*mlp), "ScoreScopeMlp");
  } catch (const std::exception& e) {
    return Error{std::string("cannot script the network: ") + e.what()};
  }
}

Status exportModel(const train::ModelSnapshot& snap, const std::string& out,
                   const std::string& name) {
  auto module = scriptedNet(snap);
  if (!module) return module.error();
  namespace fs = std::filesystem;
  const fs::path path(out);
  std::error_code ec;
  if (path.has_parent_path() && !fs::is_directory(path.parent_path(), ec))
    return Error{out + ": folder " + path.parent_path().string() + " does not exist"};
  const std::string tmp = out + ".tmp";
  try {
    torch::jit::ExtraFilesMap extra{{"scorescope.json", toJson(metaOf(snap, name))}};
    module.value().save(tmp, extra);
  } catch (const std::exception& e) {
    fs::remove(tmp, ec);
    return Error{out + ": cannot write the model (" + std::string(e.what()).substr(0, 200) + ")"};
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Error{out + ": " + ec.message()};
  }
  return Ok{};
}

}  // namespace ss::model
