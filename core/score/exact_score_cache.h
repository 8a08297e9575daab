// A worker's exact score for the data and SDE of its latest request: the toy is loaded and
// the exact score built only when either changes. Each worker owns one and uses it on its
// own thread (not thread-safe); the score it hands out is immutable and may be shared.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "core/data/toy.h"
#include "core/score/exact_score.h"
#include "core/sde/sde.h"

namespace ss::score {

class ExactScoreCache {
 public:
  struct Entry {
    std::shared_ptr<const data::ToyDistribution> toy;
    std::shared_ptr<const ExactScore> exact;
  };

  // The exact score of `data` (a toy name or file) under `sde` (resolved). Throws
  // std::runtime_error with the loader's message for data that does not load; the cache
  // then stays empty, so the next request tries again.
  const Entry& get(const std::string& data, const sde::SdeConfig& sde) {
    if (!m_valid || m_data != data || !(m_sde == sde)) {
      m_valid = false;
      auto toy = data::makeToy(data);
      if (!toy) throw std::runtime_error(toy.error().message);
      m_entry.toy = toy.value();
      m_entry.exact = exactScoreFor(*m_entry.toy, sde::Sde::create(sde));
      m_data = data;
      m_sde = sde;
      m_valid = true;
    }
    return m_entry;
  }

 private:
  bool m_valid = false;
  std::string m_data;
  sde::SdeConfig m_sde;
  Entry m_entry;
};

}  // namespace ss::score
