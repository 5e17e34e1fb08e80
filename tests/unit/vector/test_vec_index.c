/* tests/unit/vector/test_vec_index.c — unit tests of vec_index_* (vector/vec_faiss.cpp) through
 * vec_index.h: every method x metric against exact brute force on deterministic random data
 * (2000 x 16, labels 1000000 + 7i), pgvector distance units, keep_cb filtering, cosine zero
 * vectors, IVFFlat with little training data, remove, save/load and in-memory round trips,
 * and truncated or corrupt files (including ones that make faiss throw) failing cleanly.
 * Exports vec_index_tests / vec_index_ntests; test_main.c runs them (run_vec_index_tests). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/common.h"
#include "vector/vec_index.h"

#define N 2000
#define DIM 16
#define NQ 25
#define K 10
#define LISTS 20

/* ---- data and reference ---------------------------------------------------------------- */
static uint64_t rng_next(uint64_t *s) { /* splitmix64 */
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static float *data_gen(size_t n, int dim, uint64_t seed) {
    float *x = malloc(n * (size_t)dim * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < n * (size_t)dim; i++)
        x[i] = (float)((double)(rng_next(&seed) >> 11) / (double)(1ull << 53) * 2.0 - 1.0);
    return x;
}

static int64_t label_of(size_t i) { return 1000000 + (int64_t)i * 7; }

static int64_t *labels_gen(size_t n) {
    int64_t *l = malloc(n * sizeof *l);
    assert_non_null(l);
    for (size_t i = 0; i < n; i++) l[i] = label_of(i);
    return l;
}

static double ref_dist(vec_metric_t m, const float *a, const float *b, int dim) {
    double s = 0, na = 0, nb = 0;
    for (int i = 0; i < dim; i++) {
        double d = (double)a[i] - b[i];
        switch (m) {
        case VEC_METRIC_L2: s += d * d; break;
        case VEC_METRIC_L1: s += fabs(d); break;
        default:
            s += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
    }
    switch (m) {
    case VEC_METRIC_L2: return sqrt(s);
    case VEC_METRIC_IP: return -s;
    case VEC_METRIC_COSINE: return (na == 0 || nb == 0) ? NAN : 1.0 - s / sqrt(na * nb);
    default: return s;
    }
}

/* Exact top-k labels (and distances) among the n vectors of x that keep() accepts. */
static int ref_topk(vec_metric_t m, const float *x, size_t n, const float *q, int k,
                    bool (*keep)(void *, int64_t), void *arg, int64_t *lab, double *dist) {
    double *d = malloc(n * sizeof *d);
    assert_non_null(d);
    for (size_t i = 0; i < n; i++) {
        d[i] = ref_dist(m, q, x + i * DIM, DIM);
        if (isnan(d[i]) || (keep && !keep(arg, label_of(i)))) d[i] = INFINITY;
    }
    int found = 0;
    for (; found < k; found++) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < n; i++)
            if (d[i] != INFINITY && (best == SIZE_MAX || d[i] < d[best])) best = i;
        if (best == SIZE_MAX) break;
        lab[found] = label_of(best);
        dist[found] = d[best];
        d[best] = INFINITY;
    }
    free(d);
    return found;
}

/* ---- helpers --------------------------------------------------------------------------- */
typedef struct fixture {
    float *x; /* N x DIM */
    float *q; /* NQ x DIM */
    int64_t *labels;
} fixture_t;

static int setup(void **state) {
    fixture_t *f = calloc(1, sizeof *f);
    f->x = data_gen(N, DIM, 1);
    f->q = data_gen(NQ, DIM, 2);
    f->labels = labels_gen(N);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture_t *f = *state;
    free(f->x);
    free(f->q);
    free(f->labels);
    free(f);
    return 0;
}

static vec_index_t *build(const fixture_t *f, vec_method_t method, vec_metric_t metric) {
    vec_index_opts_t o = {.method = method, .metric = metric, .dim = DIM, .lists = LISTS};
    vec_index_t *ix = NULL;
    orb_err_t err;
    assert_int_equal(vec_index_create(&o, &ix, &err), 0);
    assert_int_equal(vec_index_is_trained(ix), method == VEC_METHOD_HNSW);
    assert_int_equal(vec_index_train(ix, N, f->x, &err), 0);
    assert_true(vec_index_is_trained(ix));
    size_t added = 0;
    assert_int_equal(vec_index_add(ix, N, f->x, f->labels, &added, &err), 0);
    assert_int_equal(added, N);
    assert_int_equal(vec_index_size(ix), N);
    return ix;
}

static vec_search_params_t exact_params(int k) {
    vec_search_params_t p = {.k = k, .ef_search = 400, .probes = LISTS};
    return p;
}

/* Fraction of the exact top-K found by the index over all queries; also checks that
 * results are ascending, pass keep, and carry pgvector-unit distances. */
static double recall(const fixture_t *f, const vec_index_t *ix, vec_metric_t metric,
                     const vec_search_params_t *p) {
    int hits = 0, want = 0;
    for (int qi = 0; qi < NQ; qi++) {
        const float *q = f->q + qi * DIM;
        int64_t rl[K], il[K];
        double rd[K];
        float id[K];
        int nref = ref_topk(metric, f->x, N, q, p->k, p->keep_cb, p->keep_arg, rl, rd);
        int nfound = -1;
        orb_err_t err;
        assert_int_equal(vec_index_search(ix, q, p, id, il, &nfound, &err), 0);
        assert_int_equal(nfound, nref);
        want += nref;
        for (int i = 0; i < nfound; i++) {
            if (i > 0) assert_true(id[i - 1] <= id[i]);
            if (p->keep_cb) assert_true(p->keep_cb(p->keep_arg, il[i]));
            assert_int_equal((il[i] - 1000000) % 7, 0);
            for (int j = 0; j < nref; j++)
                if (il[i] == rl[j]) {
                    hits++;
                    assert_true(fabs(id[i] - rd[j]) <= 1e-4 * (1 + fabs(rd[j])));
                }
        }
    }
    return want ? (double)hits / want : 1.0;
}

static void check_recall(void **state, vec_method_t method, vec_metric_t metric) {
    fixture_t *f = *state;
    vec_index_t *ix = build(f, method, metric);
    vec_search_params_t p = exact_params(K);
    double r = recall(f, ix, metric, &p);
    if (method == VEC_METHOD_IVFFLAT)
        assert_true(r == 1.0); /* probes = lists is an exhaustive scan */
    else
        assert_true(r >= 0.99); /* 1.0 in practice; was 0.98 for L1 while faiss 1.7.3 ignored
                                 * SearchParametersHNSW::efSearch for its queue size */
    vec_index_destroy(ix);
}

/* ---- tests: results against brute force ----------------------------------------------- */
static void test_hnsw_l2_matches_brute_force(void **s) {
    check_recall(s, VEC_METHOD_HNSW, VEC_METRIC_L2);
}
static void test_hnsw_ip_matches_brute_force(void **s) {
    check_recall(s, VEC_METHOD_HNSW, VEC_METRIC_IP);
}
static void test_hnsw_cosine_matches_brute_force(void **s) {
    check_recall(s, VEC_METHOD_HNSW, VEC_METRIC_COSINE);
}
static void test_hnsw_l1_matches_brute_force(void **s) {
    check_recall(s, VEC_METHOD_HNSW, VEC_METRIC_L1);
}
static void test_ivf_l2_matches_brute_force(void **s) {
    check_recall(s, VEC_METHOD_IVFFLAT, VEC_METRIC_L2);
}
static void test_ivf_ip_matches_brute_force(void **s) {
    check_recall(s, VEC_METHOD_IVFFLAT, VEC_METRIC_IP);
}
static void test_ivf_cosine_matches_brute_force(void **s) {
    check_recall(s, VEC_METHOD_IVFFLAT, VEC_METRIC_COSINE);
}

/* Builds with two OpenMP threads (train and add of >= 1000 vectors use the build threads);
 * the other tests use one so that they stay fast on a loaded machine (libgomp spin-waits). */
static void test_parallel_build_keeps_recall(void **s) {
    int before = vec_index_set_threads(2);
    check_recall(s, VEC_METHOD_HNSW, VEC_METRIC_L2);
    check_recall(s, VEC_METHOD_IVFFLAT, VEC_METRIC_COSINE);
    assert_int_equal(vec_index_set_threads(before), 2);
}

static void test_ivf_l1_is_not_supported(void **s) {
    vec_index_opts_t o = {.method = VEC_METHOD_IVFFLAT, .metric = VEC_METRIC_L1, .dim = DIM};
    vec_index_t *ix = (vec_index_t *)1;
    orb_err_t err;
    assert_int_equal(vec_index_create(&o, &ix, &err), -1);
    assert_null(ix);
    assert_int_equal(err.code, ORB_SQLSTATE_FEATURE_NOT_SUPPORTED);
}

/* Hand-checked distances in pgvector's units, for each metric and both methods. */
static void test_distances_are_in_pgvector_units(void **s) {
    const float x[] = {1, 0, 2, 0, 0, 3};
    const int64_t lab[] = {-5, 42, 1LL << 40};
    const float q[] = {1, 1};
    struct {
        vec_metric_t metric;
        int64_t first;
        float d0, d1, d2;
    } cases[] = {
        {VEC_METRIC_L2, -5, 1.0f, 1.41421356f, 2.23606798f},
        {VEC_METRIC_IP, 1LL << 40, -3.0f, -2.0f, -1.0f},
        {VEC_METRIC_COSINE, -5, 0.29289322f, 0.29289322f, 0.29289322f},
        {VEC_METRIC_L1, -5, 1.0f, 2.0f, 3.0f},
    };
    for (int method = VEC_METHOD_HNSW; method <= VEC_METHOD_IVFFLAT; method++)
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            if (method == VEC_METHOD_IVFFLAT && cases[c].metric == VEC_METRIC_L1) continue;
            vec_index_opts_t o = {
                .method = method, .metric = cases[c].metric, .dim = 2, .lists = 2};
            vec_index_t *ix;
            orb_err_t err;
            assert_int_equal(vec_index_create(&o, &ix, &err), 0);
            assert_int_equal(vec_index_train(ix, 3, x, &err), 0);
            assert_int_equal(vec_index_add(ix, 3, x, lab, NULL, &err), 0);
            vec_search_params_t p = {.k = 5, .probes = 2};
            float d[5];
            int64_t l[5];
            int nf;
            assert_int_equal(vec_index_search(ix, q, &p, d, l, &nf, &err), 0);
            assert_int_equal(nf, 3);
            if (cases[c].metric != VEC_METRIC_COSINE) assert_true(l[0] == cases[c].first);
            assert_float_equal(d[0], cases[c].d0, 1e-5);
            assert_float_equal(d[1], cases[c].d1, 1e-5);
            assert_float_equal(d[2], cases[c].d2, 1e-5);
            vec_index_destroy(ix);
        }
}

/* ---- keep_cb --------------------------------------------------------------------------- */
static bool keep_mod(void *arg, int64_t label) {
    int64_t mod = *(int64_t *)arg;
    return ((label - 1000000) / 7) % mod == 0;
}

static void check_filter(void **state, vec_method_t method) {
    fixture_t *f = *state;
    vec_index_t *ix = build(f, method, VEC_METRIC_L2);
    /* 20% kept: found at the usual settings. */
    int64_t mod = 5;
    vec_search_params_t p = exact_params(K);
    p.keep_cb = keep_mod;
    p.keep_arg = &mod;
    double r = recall(f, ix, VEC_METRIC_L2, &p);
    assert_true(method == VEC_METHOD_IVFFLAT ? r == 1.0 : r >= 0.99);

    /* 1% kept (20 vectors) at small ef_search / one probe: widen still finds k = 10. */
    mod = 100;
    vec_search_params_t narrow = {
        .k = K, .ef_search = 10, .probes = 1, .keep_cb = keep_mod, .keep_arg = &mod, .widen = true};
    for (int qi = 0; qi < NQ; qi++) {
        float d[K];
        int64_t l[K];
        int nf;
        orb_err_t err;
        assert_int_equal(vec_index_search(ix, f->q + qi * DIM, &narrow, d, l, &nf, &err), 0);
        assert_int_equal(nf, K);
        for (int i = 0; i < nf; i++) assert_true(keep_mod(&mod, l[i]));
    }
    /* Without widen, one probe cannot reach 10 of 20 scattered vectors every time. */
    if (method == VEC_METHOD_IVFFLAT) {
        narrow.widen = false;
        int short_results = 0;
        for (int qi = 0; qi < NQ; qi++) {
            float d[K];
            int64_t l[K];
            int nf;
            orb_err_t err;
            assert_int_equal(vec_index_search(ix, f->q + qi * DIM, &narrow, d, l, &nf, &err), 0);
            assert_true(nf <= K);
            short_results += nf < K;
        }
        assert_true(short_results > 0);
    }
    vec_index_destroy(ix);
}

/* ---- our HNSW search loop is faiss's ------------------------------------------------------ */
/* vec_faiss.cpp searches HNSW with its own copy of faiss's loop (prefetching vectors); it must
 * return exactly what faiss's IndexHNSW::search returns: same labels, same distances, same
 * count, for every metric, with and without a filter, at small and large ef_search. */
static void test_hnsw_own_search_equals_faiss(void **state) {
    fixture_t *f = *state;
    const vec_metric_t metrics[] = {VEC_METRIC_L2, VEC_METRIC_IP, VEC_METRIC_COSINE, VEC_METRIC_L1};
    const int efs[] = {1, 10, 40, 200};
    int64_t mod = 3;
    for (size_t mi = 0; mi < sizeof metrics / sizeof *metrics; mi++) {
        vec_index_t *ix = build(f, VEC_METHOD_HNSW, metrics[mi]);
        for (size_t ei = 0; ei < sizeof efs / sizeof *efs; ei++) {
            for (int filtered = 0; filtered < 2; filtered++) {
                vec_search_params_t p = {.k = K, .ef_search = efs[ei]};
                if (filtered) {
                    p.keep_cb = keep_mod;
                    p.keep_arg = &mod;
                }
                for (int qi = 0; qi < NQ; qi++) {
                    float d1[K], d2[K];
                    int64_t l1[K], l2[K];
                    int n1, n2;
                    orb_err_t err;
                    vec_index_set_own_search(true);
                    assert_int_equal(vec_index_search(ix, f->q + qi * DIM, &p, d1, l1, &n1, &err), 0);
                    vec_index_set_own_search(false);
                    assert_int_equal(vec_index_search(ix, f->q + qi * DIM, &p, d2, l2, &n2, &err), 0);
                    vec_index_set_own_search(true);
                    assert_int_equal(n1, n2);
                    assert_true(n1 > 0);
                    for (int i = 0; i < n1; i++) {
                        assert_int_equal(l1[i], l2[i]);
                        assert_memory_equal(&d1[i], &d2[i], sizeof d1[i]);
                    }
                }
            }
        }
        vec_index_destroy(ix);
    }
}

static void test_hnsw_keep_cb_returns_only_kept_labels(void **s) {
    check_filter(s, VEC_METHOD_HNSW);
}
static void test_ivf_keep_cb_returns_only_kept_labels(void **s) {
    check_filter(s, VEC_METHOD_IVFFLAT);
}

/* ---- cosine, training, add, remove ---------------------------------------------------- */
static void test_cosine_skips_zero_vectors(void **s) {
    for (int method = VEC_METHOD_HNSW; method <= VEC_METHOD_IVFFLAT; method++) {
        const float x[] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5f, 0.5f, 0, 0, 0, 0, 0, 0};
        const int64_t lab[] = {10, 11, 12, 13, 14, 15};
        vec_index_opts_t o = {.method = method, .metric = VEC_METRIC_COSINE, .dim = 3, .lists = 4};
        vec_index_t *ix;
        orb_err_t err;
        size_t added = 99;
        assert_int_equal(vec_index_create(&o, &ix, &err), 0);
        assert_int_equal(vec_index_train(ix, 6, x, &err), 0);
        vec_index_opts_t eff;
        vec_index_opts_get(ix, &eff);
        if (method == VEC_METHOD_IVFFLAT) assert_int_equal(eff.lists, 2); /* two non-zero */
        assert_int_equal(vec_index_add(ix, 6, x, lab, &added, &err), 0);
        assert_int_equal(added, 2);
        assert_int_equal(vec_index_size(ix), 2);
        vec_search_params_t p = {.k = 6, .probes = 4};
        float d[6];
        int64_t l[6];
        int nf = -1;
        const float zero[] = {0, 0, 0}, q[] = {1, 0, 0};
        assert_int_equal(vec_index_search(ix, zero, &p, d, l, &nf, &err), 0);
        assert_int_equal(nf, 0);
        assert_int_equal(vec_index_search(ix, q, &p, d, l, &nf, &err), 0);
        assert_int_equal(nf, 2);
        assert_true(l[0] == 10 && l[1] == 13);
        assert_float_equal(d[0], 0.0f, 1e-6);
        vec_index_destroy(ix);
    }
}

static void test_ivf_with_fewer_training_points_than_lists(void **state) {
    fixture_t *f = *state;
    vec_index_opts_t o = {
        .method = VEC_METHOD_IVFFLAT, .metric = VEC_METRIC_L2, .dim = DIM, .lists = 100};
    orb_err_t err;
    vec_index_opts_t eff;
    /* 30 sample vectors for 100 lists: 30 lists; 0 sample vectors: one list. */
    const size_t samples[] = {30, 0};
    const int want_lists[] = {30, 1};
    for (int c = 0; c < 2; c++) {
        vec_index_t *ix;
        assert_int_equal(vec_index_create(&o, &ix, &err), 0);
        assert_int_equal(vec_index_train(ix, samples[c], f->x, &err), 0);
        assert_true(vec_index_is_trained(ix));
        vec_index_opts_get(ix, &eff);
        assert_int_equal(eff.lists, want_lists[c]);
        assert_int_equal(vec_index_add(ix, N, f->x, f->labels, NULL, &err), 0);
        vec_search_params_t p = {.k = K, .probes = 100}; /* clamped to the lists built */
        assert_true(recall(f, ix, VEC_METRIC_L2, &p) == 1.0);
        vec_index_destroy(ix);
    }
}

static void test_ivf_add_before_training_fails(void **state) {
    fixture_t *f = *state;
    vec_index_opts_t o = {.method = VEC_METHOD_IVFFLAT, .metric = VEC_METRIC_L2, .dim = DIM};
    vec_index_t *ix;
    orb_err_t err;
    assert_int_equal(vec_index_create(&o, &ix, &err), 0);
    assert_int_equal(vec_index_add(ix, 10, f->x, f->labels, NULL, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_OBJECT_NOT_IN_PREREQUISITE_STATE);
    vec_search_params_t p = {.k = 3};
    float d[3];
    int64_t l[3];
    int nf = -1;
    assert_int_equal(vec_index_search(ix, f->q, &p, d, l, &nf, &err), 0);
    assert_int_equal(nf, 0);
    /* Retraining an index that holds vectors is refused. */
    assert_int_equal(vec_index_train(ix, N, f->x, &err), 0);
    assert_int_equal(vec_index_add(ix, 10, f->x, f->labels, NULL, &err), 0);
    assert_int_equal(vec_index_train(ix, N, f->x, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_OBJECT_NOT_IN_PREREQUISITE_STATE);
    vec_index_destroy(ix);
}

static void test_bad_input_becomes_errors(void **state) {
    fixture_t *f = *state;
    orb_err_t err;
    vec_index_t *ix = NULL;
    const vec_index_opts_t bad[] = {
        {.method = VEC_METHOD_HNSW, .metric = VEC_METRIC_L2, .dim = 0},
        {.method = VEC_METHOD_HNSW, .metric = VEC_METRIC_L2, .dim = DIM, .m = 1},
        {.method = VEC_METHOD_HNSW,
         .metric = VEC_METRIC_L2,
         .dim = DIM,
         .m = 40,
         .ef_construction = 64},
        {.method = VEC_METHOD_IVFFLAT, .metric = VEC_METRIC_L2, .dim = DIM, .lists = 40000},
        {.method = 7, .metric = VEC_METRIC_L2, .dim = DIM},
        {.method = VEC_METHOD_HNSW, .metric = 9, .dim = DIM},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(vec_index_create(&bad[i], &ix, &err), -1);
        assert_int_equal(err.code, ORB_SQLSTATE_INVALID_PARAMETER_VALUE);
        assert_null(ix);
    }
    vec_index_opts_t big = {
        .method = VEC_METHOD_HNSW, .metric = VEC_METRIC_L2, .dim = VEC_INDEX_MAX_DIM + 1};
    assert_int_equal(vec_index_create(&big, &ix, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_PROGRAM_LIMIT_EXCEEDED);

    vec_index_opts_t o = {.method = VEC_METHOD_HNSW, .metric = VEC_METRIC_L2, .dim = DIM};
    assert_int_equal(vec_index_create(&o, &ix, &err), 0);
    float v[2 * DIM];
    memcpy(v, f->x, sizeof v);
    v[DIM + 3] = NAN;
    assert_int_equal(vec_index_add(ix, 2, v, f->labels, NULL, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_DATA_EXCEPTION);
    assert_int_equal(vec_index_size(ix), 0); /* nothing of the batch went in */
    const int64_t minus1[] = {5, -1};
    assert_int_equal(vec_index_add(ix, 2, f->x, minus1, NULL, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_INVALID_PARAMETER_VALUE);
    assert_int_equal(vec_index_add(ix, 2, f->x, f->labels, NULL, &err), 0);
    vec_search_params_t p = {.k = 0};
    float d[4];
    int64_t l[4];
    int nf;
    assert_int_equal(vec_index_search(ix, f->q, &p, d, l, &nf, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_INVALID_PARAMETER_VALUE);
    p.k = 4;
    float qn[DIM] = {0};
    qn[0] = INFINITY;
    assert_int_equal(vec_index_search(ix, qn, &p, d, l, &nf, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_DATA_EXCEPTION);
    assert_int_equal(vec_index_search(ix, f->q, &p, d, l, &nf, &err), 0);
    assert_int_equal(nf, 2); /* k beyond the index size */
    vec_index_destroy(ix);
}

static void test_remove(void **state) {
    fixture_t *f = *state;
    orb_err_t err;
    size_t nrem = 99;
    vec_index_t *h = build(f, VEC_METHOD_HNSW, VEC_METRIC_L2);
    assert_int_equal(vec_index_remove(h, 1, f->labels, &nrem, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_FEATURE_NOT_SUPPORTED);
    assert_int_equal(nrem, 0);
    vec_index_destroy(h);

    vec_index_t *ix = build(f, VEC_METHOD_IVFFLAT, VEC_METRIC_L2);
    /* Remove every other label of the first 1000, plus one that is not there. */
    int64_t gone[501];
    for (int i = 0; i < 500; i++) gone[i] = label_of((size_t)i * 2);
    gone[500] = 5;
    assert_int_equal(vec_index_remove(ix, 501, gone, &nrem, &err), 0);
    assert_int_equal(nrem, 500);
    assert_int_equal(vec_index_size(ix), N - 500);
    vec_search_params_t p = exact_params(50);
    for (int qi = 0; qi < NQ; qi++) {
        float d[50];
        int64_t l[50];
        int nf;
        assert_int_equal(vec_index_search(ix, f->q + qi * DIM, &p, d, l, &nf, &err), 0);
        assert_int_equal(nf, 50);
        for (int i = 0; i < nf; i++) {
            int64_t row = (l[i] - 1000000) / 7;
            assert_false(row < 1000 && row % 2 == 0);
        }
    }
    vec_index_destroy(ix);
}

/* ---- persistence ----------------------------------------------------------------------- */
static char tmpdir[64];

static int setup_dir(void **state) {
    strcpy(tmpdir, "/tmp/vec_index_test.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return setup(state);
}

static int teardown_dir(void **state) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    assert_int_equal(system(cmd), 0);
    return teardown(state);
}

static void assert_same_results(const fixture_t *f, const vec_index_t *a, const vec_index_t *b) {
    vec_search_params_t p = {.k = K, .ef_search = 64, .probes = 3};
    for (int qi = 0; qi < NQ; qi++) {
        float da[K], db[K];
        int64_t la[K], lb[K];
        int na, nb;
        orb_err_t err;
        assert_int_equal(vec_index_search(a, f->q + qi * DIM, &p, da, la, &na, &err), 0);
        assert_int_equal(vec_index_search(b, f->q + qi * DIM, &p, db, lb, &nb, &err), 0);
        assert_int_equal(na, nb);
        assert_memory_equal(la, lb, sizeof la[0] * (size_t)na);
        assert_memory_equal(da, db, sizeof da[0] * (size_t)na);
    }
}

static void *read_all(const char *path, size_t *len) {
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    *len = (size_t)ftell(fp);
    fseek(fp, 0, SEEK_SET);
    void *buf = malloc(*len);
    assert_int_equal(fread(buf, 1, *len, fp), *len);
    fclose(fp);
    return buf;
}

static void write_all(const char *path, const void *buf, size_t len) {
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(buf, 1, len, fp), len);
    fclose(fp);
}

static void test_save_load_round_trip(void **state) {
    fixture_t *f = *state;
    const struct {
        vec_method_t method;
        vec_metric_t metric;
    } kinds[] = {{VEC_METHOD_HNSW, VEC_METRIC_COSINE},
                 {VEC_METHOD_HNSW, VEC_METRIC_L1},
                 {VEC_METHOD_IVFFLAT, VEC_METRIC_L2},
                 {VEC_METHOD_IVFFLAT, VEC_METRIC_IP}};
    char path[128];
    snprintf(path, sizeof path, "%s/ix.vec", tmpdir);
    orb_mcx_t *mcx = orb_mcx_create(NULL, "test");
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        vec_index_t *ix = build(f, kinds[i].method, kinds[i].metric), *back = NULL, *mem = NULL;
        orb_err_t err;
        assert_int_equal(vec_index_save(ix, path, &err), 0);
        assert_int_equal(access(path, F_OK), 0);
        char tmp[160];
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        assert_int_not_equal(access(tmp, F_OK), 0);
        assert_int_equal(vec_index_load(path, &back, &err), 0);
        vec_index_opts_t oa, ob;
        vec_index_opts_get(ix, &oa);
        vec_index_opts_get(back, &ob);
        assert_memory_equal(&oa, &ob, sizeof oa);
        assert_int_equal(vec_index_size(back), N);
        assert_same_results(f, ix, back);

        /* The in-memory form is the same bytes as the file. */
        void *buf;
        size_t len, flen;
        assert_int_equal(vec_index_serialize(ix, mcx, &buf, &len, &err), 0);
        void *file = read_all(path, &flen);
        assert_int_equal(len, flen);
        assert_memory_equal(buf, file, len);
        free(file);
        assert_int_equal(vec_index_deserialize(buf, len, &mem, &err), 0);
        assert_same_results(f, ix, mem);

        /* A loaded index keeps working: add more and find them. */
        size_t added;
        const int64_t extra[] = {77};
        assert_int_equal(vec_index_add(back, 1, f->q, extra, &added, &err), 0);
        vec_search_params_t p = exact_params(1);
        float d;
        int64_t l;
        int nf;
        assert_int_equal(vec_index_search(back, f->q, &p, &d, &l, &nf, &err), 0);
        assert_int_equal(nf, 1);
        if (kinds[i].metric != VEC_METRIC_IP) assert_true(l == 77);
        vec_index_destroy(mem);
        vec_index_destroy(back);
        vec_index_destroy(ix);
        orb_mcx_reset(mcx);
    }
    orb_mcx_destroy(mcx);
}

static uint32_t crc32c(const uint8_t *p, size_t n) {
    uint32_t c = ~0u;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    }
    return ~c;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Re-seals a buffer's checksums after an edit, so the edit reaches faiss. */
static void reseal(uint8_t *b, size_t len) {
    put32(b + 56, crc32c(b + 64, len - 64));
    put32(b + 60, crc32c(b, 60));
}

static void expect_corrupt(const void *buf, size_t len, const char *path) {
    vec_index_t *ix = (vec_index_t *)1;
    orb_err_t err;
    assert_int_equal(vec_index_deserialize(buf, len, &ix, &err), -1);
    assert_null(ix);
    assert_int_equal(err.code, ORB_SQLSTATE_DATA_CORRUPTED);
    write_all(path, buf, len);
    ix = (vec_index_t *)1;
    assert_int_equal(vec_index_load(path, &ix, &err), -1);
    assert_null(ix);
    assert_int_equal(err.code, ORB_SQLSTATE_DATA_CORRUPTED);
}

/* For blobs that pass our checksums but make faiss throw: faiss 1.7.3's read_index leaks the
 * half-read index when it throws (raw new, no RAII), which LeakSanitizer reports at exit.
 * A leak suppression would also hide a leak of a successfully loaded index (same stacks), so
 * these cases run in a child that _exits before LeakSanitizer looks. */
static void expect_corrupt_faiss_throws(const void *buf, size_t len, const char *path) {
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        vec_index_t *ix = (vec_index_t *)1;
        orb_err_t err;
        int ok = vec_index_deserialize(buf, len, &ix, &err) == -1 && ix == NULL &&
                 err.code == ORB_SQLSTATE_DATA_CORRUPTED && strstr(err.detail, "faiss") != NULL;
        FILE *fp = fopen(path, "wb");
        ok = ok && fp && fwrite(buf, 1, len, fp) == len;
        if (fp) fclose(fp);
        ix = (vec_index_t *)1;
        ok = ok && vec_index_load(path, &ix, &err) == -1 && ix == NULL &&
             err.code == ORB_SQLSTATE_DATA_CORRUPTED;
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_load_rejects_truncated_and_corrupt_files(void **state) {
    fixture_t *f = *state;
    char path[128], bad[128];
    snprintf(path, sizeof path, "%s/ix.vec", tmpdir);
    snprintf(bad, sizeof bad, "%s/bad.vec", tmpdir);
    for (int method = VEC_METHOD_HNSW; method <= VEC_METHOD_IVFFLAT; method++) {
        vec_index_t *ix = build(f, method, VEC_METRIC_L2);
        orb_err_t err;
        assert_int_equal(vec_index_save(ix, path, &err), 0);
        vec_index_destroy(ix);
        size_t len;
        uint8_t *good = read_all(path, &len);
        uint8_t *b = malloc(len + 1);

        /* Truncated anywhere, or with a byte appended. */
        const size_t cuts[] = {0, 1, 8, 59, 63, 64, 65, 100, len / 2, len - 8, len - 1};
        for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
            expect_corrupt(good, cuts[i], bad);
        memcpy(b, good, len);
        b[len] = 0;
        expect_corrupt(b, len + 1, bad);

        /* One flipped bit anywhere (header fields, faiss blob, labels). */
        const size_t flips[] = {0, 9, 17, 25, 41, 49, 57, 61, 64, 70, len / 2, len - 1};
        for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
            memcpy(b, good, len);
            b[flips[i]] ^= 0x10;
            expect_corrupt(b, len, bad);
        }

        /* Valid checksums but a faiss blob faiss cannot parse: faiss throws, we report XX001. */
        memcpy(b, good, len);
        memcpy(b + 64, "XXXX", 4);
        reseal(b, len);
        expect_corrupt_faiss_throws(b, len, bad);

        /* Valid checksums, faiss blob cut short (faiss runs out of input and throws). */
        uint64_t flen;
        memcpy(&flen, good + 48, 8);
        uint64_t nlab = (len - 64 - flen) / 8;
        size_t half = (size_t)flen / 2;
        memcpy(b, good, 64 + half);
        memcpy(b + 64 + half, good + 64 + flen, nlab * 8);
        put64(b + 48, half);
        reseal(b, 64 + half + nlab * 8);
        expect_corrupt_faiss_throws(b, 64 + half + nlab * 8, bad);

        /* Valid checksums, header options that disagree with the faiss blob. */
        memcpy(b, good, len);
        put32(b + 24, DIM + 1);
        reseal(b, len);
        expect_corrupt(b, len, bad);

        free(b);
        free(good);
    }
    vec_index_t *ix = (vec_index_t *)1;
    orb_err_t err;
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none.vec", tmpdir);
    assert_int_equal(vec_index_load(missing, &ix, &err), -1);
    assert_null(ix);
    assert_int_equal(err.code, ORB_SQLSTATE_IO_ERROR);
    /* Saving into a missing directory fails cleanly too. */
    vec_index_opts_t o = {.method = VEC_METHOD_HNSW, .metric = VEC_METRIC_L2, .dim = DIM};
    assert_int_equal(vec_index_create(&o, &ix, &err), 0);
    snprintf(missing, sizeof missing, "%s/no/such/dir.vec", tmpdir);
    assert_int_equal(vec_index_save(ix, missing, &err), -1);
    assert_int_equal(err.code, ORB_SQLSTATE_IO_ERROR);
    vec_index_destroy(ix);
}

/* ---- registry -------------------------------------------------------------------------- */
const struct CMUnitTest vec_index_tests[] = {
    cmocka_unit_test_setup_teardown(test_hnsw_l2_matches_brute_force, setup, teardown),
    cmocka_unit_test_setup_teardown(test_hnsw_ip_matches_brute_force, setup, teardown),
    cmocka_unit_test_setup_teardown(test_hnsw_cosine_matches_brute_force, setup, teardown),
    cmocka_unit_test_setup_teardown(test_hnsw_l1_matches_brute_force, setup, teardown),
    cmocka_unit_test_setup_teardown(test_ivf_l2_matches_brute_force, setup, teardown),
    cmocka_unit_test_setup_teardown(test_ivf_ip_matches_brute_force, setup, teardown),
    cmocka_unit_test_setup_teardown(test_ivf_cosine_matches_brute_force, setup, teardown),
    cmocka_unit_test_setup_teardown(test_parallel_build_keeps_recall, setup, teardown),
    cmocka_unit_test(test_ivf_l1_is_not_supported),
    cmocka_unit_test(test_distances_are_in_pgvector_units),
    cmocka_unit_test_setup_teardown(test_hnsw_keep_cb_returns_only_kept_labels, setup, teardown),
    cmocka_unit_test_setup_teardown(test_hnsw_own_search_equals_faiss, setup, teardown),
    cmocka_unit_test_setup_teardown(test_ivf_keep_cb_returns_only_kept_labels, setup, teardown),
    cmocka_unit_test(test_cosine_skips_zero_vectors),
    cmocka_unit_test_setup_teardown(test_ivf_with_fewer_training_points_than_lists, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_ivf_add_before_training_fails, setup, teardown),
    cmocka_unit_test_setup_teardown(test_bad_input_becomes_errors, setup, teardown),
    cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
    cmocka_unit_test_setup_teardown(test_save_load_round_trip, setup_dir, teardown_dir),
    cmocka_unit_test_setup_teardown(test_load_rejects_truncated_and_corrupt_files, setup_dir,
                                    teardown_dir),
};
const size_t vec_index_ntests = sizeof vec_index_tests / sizeof vec_index_tests[0];

/* The group, run by test_main.c. */
int run_vec_index_tests(void) {
    orb_log_set_level(ORB_LOG_FATAL); /* the corruption tests set many XX001 errors */
    vec_index_set_threads(1); /* test_parallel_build_keeps_recall uses two */
    return _cmocka_run_group_tests("vector_index", vec_index_tests, vec_index_ntests, NULL, NULL)
               ? 1
               : 0;
}
