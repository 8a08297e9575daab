// ImageScoreCache: what an image worker loads once per (data, limit, model | snapshot): the
// score (the exact empirical score of the first `limit` images under VP with ε = 1e-3, or a
// U-Net checkpoint / live train::ModelSnapshot with its own SDE), the images' C and H = W, and
// the dataset images a task starts from (with a model, loaded on demand at the model's size
// and channels). Owned by one worker thread. Uses LibTorch: not for ui/.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/data/image_dataset.h"
#include "core/score/score_fn.h"
#include "core/sde/sde.h"

namespace ss::train {
struct ModelSnapshot;
}

namespace ss::scene {

// Where image sampling ends unless the user says (`--eps`): the reference's sampling ε for
// VP and sub-VP (score_sde_pytorch: 1e-3). Near ε = 1e-5 a U-Net trained to that ε is as
// stiff as the exact empirical score (its scale is 1/σ², σ(1e-5) ≈ 1e-3), and one
// Euler–Maruyama step from 1e-3 down to 1e-5 leaves noise of σ(1e-3) ≈ 0.01 that the last
// denoising step cannot remove: the reverse SDE's samples end grainy (docs/IMAGE_QUALITY.md).
inline constexpr double kImageSamplingEps = 1e-3;
// `own` with ε raised to kImageSamplingEps on VP (linear or cosine β) and sub-VP (VE, rf
// and a larger ε: `own`).
// Likelihoods keep the model's own ε.
std::shared_ptr<const sde::Sde> imageSamplingSde(std::shared_ptr<const sde::Sde> own);

struct ImageScore {
  std::shared_ptr<const score::ScoreFn> score;
  std::shared_ptr<const sde::Sde> sde;
  int channels = 1, size = 28;         // C and H = W of the score's images
  torch::Device device = torch::kCPU;  // where the score evaluates (a snapshot's device)
  bool learned = false;                // a U-Net (checkpoint or live snapshot), not the exact score
  std::string scoreName;  // "exact (empirical, 500 images)", "learned U-Net (step 8000)"
  // The exact score's images the loader skipped, named: "folder x: skipped 2 files that could
  // not be decoded: x/a.png: …; …" (empty: none). Runs pass it on as their `warning`.
  std::string skipped;
};

class ImageScoreCache {
 public:
  // The score for this request, reloaded only when data, model or snapshot change (or the
  // limit, for the exact score); `snapshot`, when set, is used instead of `model` and held,
  // so its address is never reused while cached. Throws ss::Failure with a message a person
  // can act on (a missing file, a 2D checkpoint, an empty dataset, a limit below 1); after a
  // failure the next call loads afresh.
  // `progress`, when set, hears the dataset load's fraction done (about every 1 %).
  const ImageScore& load(const std::string& data, int64_t limit, const std::string& model,
                         const std::shared_ptr<const train::ModelSnapshot>& snapshot,
                         const std::function<void(double)>& progress = {});

  // Dataset images [K, C, H, W] float32 on the CPU in [0, 1] at the score's size and
  // channels. With the exact score they are its own images; with a model the first
  // max(max index + 1, limit) images are loaded on demand (and kept). Throws ss::Failure
  // naming the index when one lies outside the dataset. After load().
  torch::Tensor datasetImages(const std::vector<int64_t>& indices);

 private:
  ImageScore m_score;
  std::string m_data, m_model;
  std::shared_ptr<const train::ModelSnapshot> m_snapshot;
  int64_t m_limit = -1;
  bool m_valid = false;
  data::ImageDataset m_set;  // the exact score's images; with a model, loaded on demand
};

}  // namespace ss::scene
