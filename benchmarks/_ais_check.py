"""An AIS of the {0, 1} RBM written independently of skhopfield, for the
benchmarks that check the package's ln Z on MNIST.

References
----------
R. Salakhutdinov and I. Murray, "On the quantitative analysis of deep belief
networks", Proceedings of the 25th International Conference on Machine
Learning (ICML), 872–879, 2008.
"""

import numpy as np
from scipy.special import expit


def base_rate_ais(W, b, c, base_bias, n_chains, n_betas, seed):
    """ln Z of the {0, 1} RBM (W, b, c) by AIS from the data base-rate model.

    An independent check of ``RBM.log_partition_ais`` on the path the
    estimators use (and another random stream): the annealing starts from
    the independent-pixel model of the training data (visible biases
    ``base_bias``, hidden units free) and moves *all* parameters,
    ``ln p*_γ(v) = ((1 − γ) a + γ b)ᵀv + Σ_j softplus(γ (Wᵀv + c)_j)``
    with ``γ`` linear in ``[0, 1]`` (Salakhutdinov & Murray (2008), §4.2):
    the estimator's path, written independently. Returns (ln Z, standard
    error).
    """
    rng = np.random.default_rng(seed)
    gammas = np.linspace(0.0, 1.0, n_betas)
    n_hidden = W.shape[1]

    def log_p_star(V, g):
        return V @ ((1.0 - g) * base_bias + g * b) + np.logaddexp(
            0.0, g * (V @ W + c)
        ).sum(1)

    log_Z0 = np.logaddexp(0.0, base_bias).sum() + n_hidden * np.log(2.0)
    V = (rng.random((n_chains, W.shape[0])) < expit(base_bias)).astype(np.float64)
    log_w = np.zeros(n_chains)
    for k in range(1, n_betas):
        log_w += log_p_star(V, gammas[k]) - log_p_star(V, gammas[k - 1])
        if k == n_betas - 1:
            break
        g = gammas[k]
        Hs = (rng.random((n_chains, n_hidden)) < expit(g * (V @ W + c))).astype(
            np.float64
        )
        V = rng.random(V.shape) < expit((1.0 - g) * base_bias + g * (Hs @ W.T + b))
        V = V.astype(np.float64)
    m = log_w.max()
    r = np.exp(log_w - m)
    std_error = r.std(ddof=1) / (np.sqrt(n_chains) * r.mean())
    return float(log_Z0 + m + np.log(r.mean())), float(std_error)
