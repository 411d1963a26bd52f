#pragma once
// CNP: the Conditional Neural Process (Garnelo et al., 2018) as the TNP-pytorch reference builds
// it: two pooling encoders (an MLP on [x, y], the mean over the context, a post MLP) whose outputs
// are concatenated into one representation r, and a decoder MLP on [r, xt]. No attention: a cheap
// teaching baseline whose mean aggregation underfits.

#include <vector>

#include "nplab/models/neural_process.h"

namespace nplab::models {

class CNP : public StoredContextModel {
 public:
  explicit CNP(const nlohmann::json& config = nlohmann::json::object());

  nlohmann::json config() const override;

 protected:
  void encode_context(StoredContextState& state) override;  ///< caches represent(state)
  Prediction do_predict(const ModelState& state, const at::Tensor& xt) override;

 private:
  /// One pooling encoder: pre-pooling MLP, mean over the context, post-pooling MLP.
  struct PoolingEncoder {
    torch::nn::Sequential pre{nullptr};
    torch::nn::Sequential post{nullptr};
  };

  /// The representation r [B, 2 hidden] of the stored context.
  at::Tensor represent(const StoredContextState& state);

  int64_t hidden_;
  int64_t encoder_depth_;
  int64_t post_depth_;
  int64_t decoder_depth_;
  std::vector<PoolingEncoder> encoders_;
  torch::nn::Sequential decoder_{nullptr};
};

}  // namespace nplab::models
