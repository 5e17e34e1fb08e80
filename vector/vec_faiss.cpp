/* vector/vec_faiss.cpp — vec_index_* (vec_index.h) on faiss 1.7.3: IndexHNSWFlat plus our own
 * internal-id -> label array (faiss's IndexIDMap rejects SearchParameters in 1.7.3), and
 * IndexIVFFlat, which keeps the labels itself. Distances are converted to pgvector's units.
 * Invariants: (1) no C++ exception leaves an extern "C" function: every entry point runs its
 * body inside guard(); (2) HNSW: labels.size() == index->ntotal unless `broken`; (3) searches
 * run on the caller's thread with a one-thread OpenMP team. Persistence format: vec_index.h.
 * See vector/README.md. */
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <omp.h>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>
#include <faiss/utils/Heap.h>

#include "vector/vec_index.h"
#include "vector/vec_simd.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "vec_faiss.cpp assumes a little-endian host (faiss's own format is native-endian)"
#endif

/* ---- the parts of common/common.h we use (it does not compile as C++) ------------------ */
extern "C" {
typedef enum orb_sqlstate {
#define X(name, code, resp) ORB_SQLSTATE_##name,
#include "common/sqlstate.def"
#undef X
    ORB_SQLSTATE__COUNT
} orb_sqlstate_t;
int orb_err_set_at(orb_err_t *err, const char *file, int line, orb_sqlstate_t code, const char *fmt,
                   ...) __attribute__((format(printf, 5, 6)));
void orb_err_detail(orb_err_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void orb_err_hint(orb_err_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void *orb_alloc(orb_mcx_t *mcx, size_t n);
}
#define VEC_ERR(err, code, ...)                                                                    \
    orb_err_set_at((err), __FILE__, __LINE__, ORB_SQLSTATE_##code, __VA_ARGS__)

using idx_t = faiss::Index::idx_t;
static_assert(sizeof(idx_t) == sizeof(int64_t), "faiss labels are 64-bit");

struct vec_index {
    vec_index_opts_t opts{}; /* effective options (lists = lists actually built) */
    int req_lists = 0;       /* IVFFlat: lists asked for at create, used by (re)training */
    faiss::Index *index = nullptr;
    std::vector<int64_t> labels; /* HNSW only: internal id -> caller's label */
    bool broken = false;         /* a failed add left an unknown state; refuse further use */
    ~vec_index() { delete index; }
};

/* ---- helpers --------------------------------------------------------------------------- */
namespace {

const size_t kHeaderLen = 64;
const uint32_t kFormatVersion = 1;
const char kMagic[8] = {'O', 'R', 'B', 'V', 'I', 'D', 'X', '1'};

struct IoError {
    int errnum;
    const char *op;
};

/* Runs f() and turns every C++ exception into an orb_err (invariant 1). */
template <typename F> int guard(orb_err_t *err, const char *what, F &&f) {
    try {
        return f();
    } catch (const std::bad_alloc &) {
        return VEC_ERR(err, OUT_OF_MEMORY, "out of memory in vector index %s", what);
    } catch (const faiss::FaissException &e) {
        VEC_ERR(err, INTERNAL_ERROR, "vector index %s failed", what);
        orb_err_detail(err, "faiss: %s", e.what());
        return -1;
    } catch (const std::exception &e) {
        VEC_ERR(err, INTERNAL_ERROR, "vector index %s failed", what);
        orb_err_detail(err, "%s", e.what());
        return -1;
    } catch (...) {
        VEC_ERR(err, INTERNAL_ERROR, "vector index %s failed with an unknown exception", what);
        return -1;
    }
}

/* Sets this thread's OpenMP team size for the scope (the ICV is per thread). */
struct OmpThreads {
    int saved;
    explicit OmpThreads(int n) : saved(omp_get_max_threads()) { omp_set_num_threads(n); }
    ~OmpThreads() { omp_set_num_threads(saved); }
    OmpThreads(const OmpThreads &) = delete;
    OmpThreads &operator=(const OmpThreads &) = delete;
};

std::atomic<int> g_build_threads{0};
std::atomic<bool> own_hnsw_search{true}; /* vec_index_set_own_search */
const size_t kParallelAddMin = 1000;

int build_threads() {
    int n = g_build_threads.load(std::memory_order_relaxed);
    return n > 0 ? n : omp_get_num_procs();
}

faiss::MetricType faiss_metric(vec_metric_t m) {
    switch (m) {
    case VEC_METRIC_L2: return faiss::METRIC_L2;
    case VEC_METRIC_L1: return faiss::METRIC_L1;
    default: return faiss::METRIC_INNER_PRODUCT; /* IP and cosine (on unit vectors) */
    }
}

/* faiss's distance -> pgvector's: monotone, so faiss's order stays ascending. */
float pg_distance(vec_metric_t m, float d) {
    switch (m) {
    case VEC_METRIC_L2: return std::sqrt(d > 0 ? d : 0.0f);
    case VEC_METRIC_IP: return -d;
    case VEC_METRIC_COSINE: {
        float c = 1.0f - d;
        return c < 0 ? 0.0f : (c > 2 ? 2.0f : c);
    }
    default: return d;
    }
}

bool all_finite(const float *x, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!std::isfinite(x[i])) return false;
    return true;
}

/* Writes x / |x| to out; returns false (out untouched) for the zero vector. */
bool normalise(const float *x, int dim, float *out) {
    double s = 0;
    for (int i = 0; i < dim; i++) s += (double)x[i] * x[i];
    if (s <= 0) return false;
    double inv = 1.0 / std::sqrt(s);
    for (int i = 0; i < dim; i++) out[i] = (float)(x[i] * inv);
    return true;
}

/* Checks and fills defaults; code is the SQLSTATE used (22023 from create, XX001 on load). */
int opts_check(const vec_index_opts_t *in, vec_index_opts_t *out, bool loading, orb_err_t *err) {
#define OPT_FAIL(code, ...)                                                                        \
    (loading ? VEC_ERR(err, DATA_CORRUPTED, __VA_ARGS__) : VEC_ERR(err, code, __VA_ARGS__))
    vec_index_opts_t o = *in;
    if (o.method != VEC_METHOD_HNSW && o.method != VEC_METHOD_IVFFLAT)
        return OPT_FAIL(INVALID_PARAMETER_VALUE, "unknown vector index method %d", (int)o.method);
    if (o.metric < VEC_METRIC_L2 || o.metric > VEC_METRIC_L1)
        return OPT_FAIL(INVALID_PARAMETER_VALUE, "unknown vector distance metric %d",
                        (int)o.metric);
    if (o.dim < 1)
        return OPT_FAIL(INVALID_PARAMETER_VALUE, "vector index dimension must be at least 1");
    if (o.dim > VEC_INDEX_MAX_DIM)
        return OPT_FAIL(PROGRAM_LIMIT_EXCEEDED, "vector index cannot have more than %d dimensions",
                        VEC_INDEX_MAX_DIM);
    if (o.method == VEC_METHOD_HNSW) {
        if (o.m == 0) o.m = VEC_HNSW_DEFAULT_M;
        if (o.ef_construction == 0) o.ef_construction = VEC_HNSW_DEFAULT_EF_CONSTRUCTION;
        if (o.m < 2 || o.m > 100)
            return OPT_FAIL(INVALID_PARAMETER_VALUE, "value %d out of bounds for option \"m\"",
                            o.m);
        if (o.ef_construction < 4 || o.ef_construction > 1000)
            return OPT_FAIL(INVALID_PARAMETER_VALUE,
                            "value %d out of bounds for option \"ef_construction\"",
                            o.ef_construction);
        if (o.ef_construction < 2 * o.m)
            return OPT_FAIL(INVALID_PARAMETER_VALUE,
                            "ef_construction must be greater than or equal to 2 * m");
        o.lists = 0;
    } else {
        if (o.metric == VEC_METRIC_L1) {
            if (loading) return VEC_ERR(err, DATA_CORRUPTED, "ivfflat index with l1 distance");
            VEC_ERR(err, FEATURE_NOT_SUPPORTED, "ivfflat indexes do not support l1 distance");
            orb_err_hint(err, "Use an hnsw index for vector_l1_ops.");
            return -1;
        }
        if (o.lists == 0) o.lists = VEC_IVF_DEFAULT_LISTS;
        if (o.lists < 1 || o.lists > 32768)
            return OPT_FAIL(INVALID_PARAMETER_VALUE, "value %d out of bounds for option \"lists\"",
                            o.lists);
        o.m = 0;
        o.ef_construction = 0;
    }
    *out = o;
    return 0;
#undef OPT_FAIL
}

/* HNSW's vector storage: faiss's IndexFlat (same bytes, same serialized form "IxF2"/"IxFI"/
 * "IxFl") whose distance computer uses vec_simd.h's kernels instead of faiss's, which are
 * scalar in Debian's baseline build. faiss reaches it through the virtual
 * get_FlatCodesDistanceComputer for searches and graph construction alike. */
struct SimdFlatDis : faiss::FlatCodesDistanceComputer {
    const float *base;
    size_t dim;
    vec_simd_fn fn;
    const float *q = nullptr;
    SimdFlatDis(const faiss::IndexFlat &s, vec_simd_fn f)
        : faiss::FlatCodesDistanceComputer(s.codes.data(), s.code_size), base(s.get_xb()),
          dim((size_t)s.d), fn(f) {}
    void set_query(const float *x) override { q = x; }
    float distance_to_code(const uint8_t *code) override {
        return fn(q, reinterpret_cast<const float *>(code), dim);
    }
    float symmetric_dis(idx_t i, idx_t j) override {
        return fn(base + (size_t)i * dim, base + (size_t)j * dim, dim);
    }
};

struct SimdFlat : faiss::IndexFlat {
    SimdFlat(idx_t d, faiss::MetricType m) : faiss::IndexFlat(d, m) {}
    faiss::FlatCodesDistanceComputer *get_FlatCodesDistanceComputer() const override {
        switch (metric_type) {
        case faiss::METRIC_L2: return new SimdFlatDis(*this, vec_simd_l2_sq);
        case faiss::METRIC_INNER_PRODUCT: return new SimdFlatDis(*this, vec_simd_ip);
        case faiss::METRIC_L1: return new SimdFlatDis(*this, vec_simd_l1);
        default: return faiss::IndexFlat::get_FlatCodesDistanceComputer();
        }
    }
};

/* Puts the vectors of h's storage (a fresh one, or one read from a file) into a SimdFlat. */
void use_simd_storage(faiss::IndexHNSW *h) {
    auto *old = dynamic_cast<faiss::IndexFlat *>(h->storage);
    if (!old || dynamic_cast<SimdFlat *>(old)) return;
    std::unique_ptr<SimdFlat> s(new SimdFlat(old->d, old->metric_type));
    s->codes.swap(old->codes);
    s->ntotal = old->ntotal;
    s->is_trained = old->is_trained;
    if (h->own_fields) delete old;
    h->storage = s.release();
    h->own_fields = true;
}

/* IVFFlat search of one query with vec_simd.h's kernels (faiss's IVFFlat scanner and flat
 * quantizer use the same scalar kernels as above, and the scanner is not a virtual of the
 * index that a subclass could swap in a loaded file): the nprobe lists whose centroids are
 * nearest, then every vector in them that sel keeps. Returns like faiss's search: best first
 * in faiss's units (squared L2, or inner product for METRIC_INNER_PRODUCT), label -1 in the
 * slots left over. */
void ivf_search(const faiss::IndexIVFFlat *ivf, const float *q, idx_t k, size_t nprobe,
                const faiss::IDSelector *sel, float *D, idx_t *I) {
    const bool ip = ivf->metric_type == faiss::METRIC_INNER_PRODUCT;
    const size_t d = (size_t)ivf->d;
    auto cost = [&](const float *x) { return ip ? -vec_simd_ip(q, x, d) : vec_simd_l2_sq(q, x, d); };
    using Cand = std::pair<float, idx_t>; /* (cost, id): smaller cost is nearer */
    std::vector<Cand> lists;
    auto *cq = dynamic_cast<const faiss::IndexFlat *>(ivf->quantizer);
    if (cq && cq->metric_type == ivf->metric_type) {
        const float *c = cq->get_xb();
        lists.reserve(ivf->nlist);
        for (size_t i = 0; i < ivf->nlist; i++) lists.emplace_back(cost(c + i * d), (idx_t)i);
    } else { /* not our own flat quantizer: let it answer */
        std::vector<float> cd(nprobe);
        std::vector<idx_t> ci(nprobe);
        ivf->quantizer->search(1, q, (idx_t)nprobe, cd.data(), ci.data());
        for (size_t i = 0; i < nprobe; i++)
            if (ci[i] >= 0) lists.emplace_back(ip ? -cd[i] : cd[i], ci[i]);
    }
    if (nprobe > lists.size()) nprobe = lists.size();
    std::partial_sort(lists.begin(), lists.begin() + (ptrdiff_t)nprobe, lists.end());
    std::vector<Cand> heap; /* max-heap on cost: the k best so far, worst on top */
    heap.reserve((size_t)k);
    for (size_t p = 0; p < nprobe; p++) {
        size_t l = (size_t)lists[p].second, n = ivf->invlists->list_size(l);
        if (n == 0) continue;
        faiss::InvertedLists::ScopedCodes codes(ivf->invlists, l);
        faiss::InvertedLists::ScopedIds ids(ivf->invlists, l);
        const float *x = reinterpret_cast<const float *>(codes.get());
        for (size_t j = 0; j < n; j++) {
            idx_t id = ids[j];
            if (sel && !sel->is_member(id)) continue;
            float c = cost(x + j * d);
            if (heap.size() < (size_t)k) {
                heap.emplace_back(c, id);
                std::push_heap(heap.begin(), heap.end());
            } else if (c < heap.front().first) {
                std::pop_heap(heap.begin(), heap.end());
                heap.back() = Cand(c, id);
                std::push_heap(heap.begin(), heap.end());
            }
        }
    }
    std::sort_heap(heap.begin(), heap.end());
    for (idx_t i = 0; i < k; i++) {
        bool have = (size_t)i < heap.size();
        float c = have ? heap[(size_t)i].first : std::numeric_limits<float>::infinity();
        D[i] = ip ? -c : c;
        I[i] = have ? heap[(size_t)i].second : -1;
    }
}

/* HNSW search of one query: faiss 1.7.3's own algorithm (IndexHNSW::search with upper_beam 1
 * and the bounded candidate queue: greedy descent through the upper levels, then
 * search_from_candidates on level 0 with faiss's MinimaxHeap, the same stopping rules and the
 * same result heap), step for step, so it returns what faiss returns, with two changes that
 * only make it faster:
 * - the vectors of a node's unvisited neighbours are prefetched before their distances are
 *   computed (prefetch_lines): the kernels are fast enough that the search waits on memory
 *   (a neighbour's vector is 512 bytes at vector(128), rarely cached), and the loads overlap;
 * - the visited table is kept per thread and cleared by generation, where faiss allocates
 *   and zeroes one of ntotal bytes per search call.
 * Requires our SimdFlat storage (the caller falls back to faiss otherwise). Distances in
 * faiss's units; results best first, -1 labels in slots left over. */
struct Visited {
    std::vector<uint8_t> mark;
    uint8_t gen = 0;
    void reset(size_t n) {
        if (mark.size() < n) mark.resize(n, 0);
        if (++gen == 0) { /* wrapped: clear once every 255 searches */
            std::fill(mark.begin(), mark.end(), 0);
            gen = 1;
        }
    }
    bool test_set(size_t i) {
        if (mark[i] == gen) return false;
        mark[i] = gen;
        return true;
    }
};

/* Cache lines [from, to) of a vector. A core tracks only about a dozen outstanding misses:
 * prefetching every line of 30 vectors at once stalls on the prefetches themselves, so the
 * level-0 loop asks for the first line of every new neighbour at once and for the rest of a
 * vector one neighbour ahead of computing with it (the best of the orders tried, measured on
 * four 25k x 128 graphs: 10% less time than all lines at once, 28% less than faiss). */
inline void prefetch_lines(const float *x, size_t dim, size_t from, size_t to) {
    const char *p = reinterpret_cast<const char *>(x);
    size_t end = std::min(dim * sizeof(float), to * 64);
    for (size_t off = from * 64; off < end; off += 64) __builtin_prefetch(p + off, 0, 3);
}
inline void prefetch_vector(const float *x, size_t dim) { prefetch_lines(x, dim, 0, SIZE_MAX / 64); }

bool hnsw_search(const faiss::IndexHNSW *h, const float *q, idx_t k, int ef_search,
                 const faiss::IDSelector *sel, float *D, idx_t *I) {
    auto *st = dynamic_cast<const SimdFlat *>(h->storage);
    const faiss::HNSW &g = h->hnsw;
    if (!st || g.upper_beam != 1 || !g.search_bounded_queue) return false;
    vec_simd_fn fn;
    float sign = 1; /* faiss searches similarity metrics on negated scores */
    switch (st->metric_type) {
    case faiss::METRIC_L2: fn = vec_simd_l2_sq; break;
    case faiss::METRIC_INNER_PRODUCT: fn = vec_simd_ip; sign = -1; break;
    case faiss::METRIC_L1: fn = vec_simd_l1; break;
    default: return false;
    }
    const size_t dim = (size_t)st->d;
    const float *base = st->get_xb();
    auto dis = [&](faiss::HNSW::storage_idx_t i) { return sign * fn(q, base + (size_t)i * dim, dim); };
    faiss::maxheap_heapify(k, D, I);
    if (g.entry_point >= 0) {
        thread_local Visited vt;
        vt.reset((size_t)h->ntotal);
        faiss::HNSW::storage_idx_t nearest = g.entry_point;
        float d_nearest = dis(nearest);
        for (int level = g.max_level; level >= 1; level--) { /* greedy descent */
            for (;;) {
                faiss::HNSW::storage_idx_t prev = nearest;
                size_t begin, end;
                g.neighbor_range(nearest, level, &begin, &end);
                for (size_t j = begin; j < end && g.neighbors[j] >= 0; j++)
                    prefetch_vector(base + (size_t)g.neighbors[j] * dim, dim);
                for (size_t j = begin; j < end; j++) {
                    faiss::HNSW::storage_idx_t v = g.neighbors[j];
                    if (v < 0) break;
                    float d = dis(v);
                    if (d < d_nearest) {
                        nearest = v;
                        d_nearest = d;
                    }
                }
                if (nearest == prev) break;
            }
        }
        /* level 0 (faiss's search_from_candidates) */
        const int ef = std::max(ef_search, (int)k);
        faiss::HNSW::MinimaxHeap cand(ef);
        cand.push(nearest, d_nearest);
        idx_t nres = 0;
        auto offer = [&](faiss::HNSW::storage_idx_t v, float d) {
            if (sel && !sel->is_member(v)) return;
            if (nres < k)
                faiss::maxheap_push(++nres, D, I, d, (idx_t)v);
            else if (d < D[0])
                faiss::maxheap_replace_top(nres, D, I, d, (idx_t)v);
        };
        offer(nearest, d_nearest);
        vt.test_set((size_t)nearest);
        std::vector<faiss::HNSW::storage_idx_t> fresh;
        fresh.reserve(64);
        int nstep = 0;
        while (cand.size() > 0) {
            float d0 = 0;
            int v0 = cand.pop_min(&d0);
            if (g.check_relative_distance && cand.count_below(d0) >= ef_search) break;
            size_t begin, end;
            g.neighbor_range(v0, 0, &begin, &end);
            fresh.clear();
            for (size_t j = begin; j < end; j++) {
                faiss::HNSW::storage_idx_t v = g.neighbors[j];
                if (v < 0) break;
                if (!vt.test_set((size_t)v)) continue;
                prefetch_lines(base + (size_t)v * dim, dim, 0, 1);
                fresh.push_back(v);
            }
            for (size_t fi = 0; fi < fresh.size(); fi++) {
                faiss::HNSW::storage_idx_t v = fresh[fi];
                if (fi + 1 < fresh.size())
                    prefetch_lines(base + (size_t)fresh[fi + 1] * dim, dim, 1, SIZE_MAX / 64);
                float d = dis(v);
                offer(v, d);
                cand.push(v, d);
            }
            nstep++;
            if (!g.check_relative_distance && nstep > ef_search) break;
        }
    }
    faiss::maxheap_reorder(k, D, I);
    if (sign < 0)
        for (idx_t i = 0; i < k; i++) D[i] = -D[i];
    return true;
}

faiss::IndexIVFFlat *make_ivf(const vec_index_opts_t &o, int nlist) {
    faiss::MetricType qm =
        o.metric == VEC_METRIC_L2 ? faiss::METRIC_L2 : faiss::METRIC_INNER_PRODUCT;
    std::unique_ptr<faiss::IndexFlat> q(new faiss::IndexFlat(o.dim, qm));
    std::unique_ptr<faiss::IndexIVFFlat> ivf(
        new faiss::IndexIVFFlat(q.get(), o.dim, (size_t)nlist, faiss_metric(o.metric)));
    q.release();
    ivf->own_fields = true;
    ivf->cp.verbose = false;
    ivf->cp.min_points_per_centroid = 1; /* no "please provide more points" on stderr */
    if (o.metric == VEC_METRIC_COSINE) ivf->cp.spherical = true;
    return ivf.release();
}

faiss::Index *make_index(const vec_index_opts_t &o) {
    if (o.method == VEC_METHOD_HNSW) {
        auto *h = new faiss::IndexHNSWFlat(o.dim, o.m, faiss_metric(o.metric));
        use_simd_storage(h);
        h->hnsw.efConstruction = o.ef_construction;
        h->hnsw.efSearch = VEC_HNSW_DEFAULT_EF_SEARCH;
        return h;
    }
    return make_ivf(o, o.lists);
}

int check_usable(const vec_index_t *ix, orb_err_t *err) {
    if (!ix) return VEC_ERR(err, INTERNAL_ERROR, "vector index is NULL");
    if (ix->broken) {
        VEC_ERR(err, OBJECT_NOT_IN_PREREQUISITE_STATE,
                "vector index is unusable after a failed insert");
        orb_err_hint(err, "Rebuild the index.");
        return -1;
    }
    return 0;
}

/* Calls keep_cb for candidates; HNSW translates faiss's internal ids to labels first. */
struct KeepSelector : faiss::IDSelector {
    vec_keep_cb cb;
    void *arg;
    const std::vector<int64_t> *labels; /* NULL for IVFFlat (faiss ids are the labels) */
    KeepSelector(vec_keep_cb c, void *a, const std::vector<int64_t> *l)
        : cb(c), arg(a), labels(l) {}
    bool is_member(idx_t id) const override {
        if (labels) {
            if (id < 0 || (size_t)id >= labels->size()) return false;
            return cb(arg, (*labels)[(size_t)id]);
        }
        return cb(arg, id);
    }
};

/* ---- CRC-32C (Castagnoli) -------------------------------------------------------------- */
struct Crc32cTable {
    uint32_t t[256];
    Crc32cTable() {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
            t[i] = c;
        }
    }
};
const Crc32cTable g_crc_table;

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc32c_hw(uint32_t c, const uint8_t *p, size_t n) {
    uint64_t c64 = c;
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c64 = __builtin_ia32_crc32di(c64, v);
    }
    c = (uint32_t)c64;
    for (; n > 0; n--, p++) c = __builtin_ia32_crc32qi(c, *p);
    return c;
}
const bool g_crc_hw = __builtin_cpu_supports("sse4.2");
#endif

/* Continues a CRC-32C: start with crc32c_update(0, ...). */
uint32_t crc32c_update(uint32_t crc, const void *data, size_t n) {
    const uint8_t *p = static_cast<const uint8_t *>(data);
    uint32_t c = ~crc;
#if defined(__x86_64__)
    if (g_crc_hw) return ~crc32c_hw(c, p, n);
#endif
    for (size_t i = 0; i < n; i++) c = g_crc_table.t[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return ~c;
}

/* ---- header ---------------------------------------------------------------------------- */
void put_le32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
void put_le64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
uint32_t get_le32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
uint64_t get_le64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

struct Header {
    vec_index_opts_t opts;
    uint64_t nlabels;
    uint64_t faiss_len;
    uint32_t payload_crc;
};

void header_encode(const Header &h, uint8_t out[kHeaderLen]) {
    memset(out, 0, kHeaderLen);
    memcpy(out, kMagic, 8);
    put_le32(out + 8, kFormatVersion);
    put_le32(out + 12, (uint32_t)kHeaderLen);
    put_le32(out + 16, (uint32_t)h.opts.method);
    put_le32(out + 20, (uint32_t)h.opts.metric);
    put_le32(out + 24, (uint32_t)h.opts.dim);
    put_le32(out + 28, (uint32_t)h.opts.m);
    put_le32(out + 32, (uint32_t)h.opts.ef_construction);
    put_le32(out + 36, (uint32_t)h.opts.lists);
    put_le64(out + 40, h.nlabels);
    put_le64(out + 48, h.faiss_len);
    put_le32(out + 56, h.payload_crc);
    put_le32(out + 60, crc32c_update(0, out, 60));
}

int header_decode(const uint8_t *p, size_t len, Header *h, orb_err_t *err) {
    if (len < kHeaderLen) {
        VEC_ERR(err, DATA_CORRUPTED, "vector index file is truncated");
        orb_err_detail(err, "Expected a header of %zu bytes, found %zu bytes.", kHeaderLen, len);
        return -1;
    }
    if (memcmp(p, kMagic, 8) != 0) return VEC_ERR(err, DATA_CORRUPTED, "not a vector index file");
    if (get_le32(p + 60) != crc32c_update(0, p, 60))
        return VEC_ERR(err, DATA_CORRUPTED, "vector index file header checksum mismatch");
    uint32_t version = get_le32(p + 8);
    if (version != kFormatVersion || get_le32(p + 12) != kHeaderLen) {
        VEC_ERR(err, DATA_CORRUPTED, "unsupported vector index file version %u", version);
        orb_err_detail(err, "This server reads version %u.", kFormatVersion);
        return -1;
    }
    vec_index_opts_t o;
    o.method = (vec_method_t)get_le32(p + 16);
    o.metric = (vec_metric_t)get_le32(p + 20);
    o.dim = (int)get_le32(p + 24);
    o.m = (int)get_le32(p + 28);
    o.ef_construction = (int)get_le32(p + 32);
    o.lists = (int)get_le32(p + 36);
    if (o.method == VEC_METHOD_IVFFLAT && o.lists == 0)
        return VEC_ERR(err, DATA_CORRUPTED, "vector index file has no lists");
    if (opts_check(&o, &h->opts, true, err) != 0) return -1;
    h->nlabels = get_le64(p + 40);
    h->faiss_len = get_le64(p + 48);
    h->payload_crc = get_le32(p + 56);
    return 0;
}

/* ---- faiss IO adapters ----------------------------------------------------------------- */
struct SinkWriter : faiss::IOWriter {
    uint32_t crc = 0;
    uint64_t len = 0;
    virtual void put(const void *p, size_t n) = 0;
    size_t operator()(const void *ptr, size_t size, size_t nitems) override {
        size_t n = size * nitems;
        if (n == 0) return nitems;
        put(ptr, n);
        crc = crc32c_update(crc, ptr, n);
        len += n;
        return nitems;
    }
};

struct BufWriter : SinkWriter {
    std::vector<uint8_t> data;
    void put(const void *p, size_t n) override {
        const uint8_t *b = static_cast<const uint8_t *>(p);
        data.insert(data.end(), b, b + n);
    }
};

struct FdWriter : SinkWriter {
    int fd;
    std::vector<uint8_t> buf;
    explicit FdWriter(int f) : fd(f) { buf.reserve(1 << 20); }
    void write_all(const uint8_t *p, size_t n) {
        while (n > 0) {
            ssize_t w = ::write(fd, p, n);
            if (w < 0) {
                if (errno == EINTR) continue;
                throw IoError{errno, "write"};
            }
            p += w;
            n -= (size_t)w;
        }
    }
    void flush() {
        write_all(buf.data(), buf.size());
        buf.clear();
    }
    void put(const void *p, size_t n) override {
        const uint8_t *b = static_cast<const uint8_t *>(p);
        if (buf.size() + n > buf.capacity()) flush();
        if (n >= buf.capacity())
            write_all(b, n);
        else
            buf.insert(buf.end(), b, b + n);
    }
};

struct SpanReader : faiss::IOReader {
    const uint8_t *p;
    size_t len, pos = 0;
    SpanReader(const uint8_t *d, size_t n) : p(d), len(n) {}
    size_t operator()(void *ptr, size_t size, size_t nitems) override {
        if (size == 0 || nitems == 0) return nitems;
        size_t got = std::min(nitems, (len - pos) / size);
        memcpy(ptr, p + pos, got * size);
        pos += got * size;
        return got;
    }
};

/* Streams header placeholder + payload into w; returns the header to put in front. */
Header write_payload(const vec_index_t *ix, SinkWriter &w) {
    faiss::write_index(ix->index, &w);
    Header h;
    h.opts = ix->opts;
    h.faiss_len = w.len;
    h.nlabels = ix->opts.method == VEC_METHOD_HNSW ? ix->labels.size() : 0;
    if (h.nlabels) w(ix->labels.data(), sizeof(int64_t), ix->labels.size());
    h.payload_crc = w.crc;
    return h;
}

int io_fail(orb_err_t *err, int errnum, const char *op, const char *path) {
    if (errnum == ENOSPC)
        VEC_ERR(err, DISK_FULL, "could not %s vector index file \"%s\"", op, path);
    else
        VEC_ERR(err, IO_ERROR, "could not %s vector index file \"%s\"", op, path);
    orb_err_detail(err, "%s failed: %s.", op, strerror(errnum));
    return -1;
}

int deserialize(const uint8_t *buf, size_t len, vec_index_t **out, orb_err_t *err) {
    Header h{}; // value-initialised: GCC -O2 cannot see header_decode fill it (-Werror=maybe-uninitialized)
    if (header_decode(buf, len, &h, err) != 0) return -1;
    uint64_t body = len - kHeaderLen;
    bool truncated = h.faiss_len > body || h.nlabels > (body - h.faiss_len) / 8;
    if (truncated || h.faiss_len + h.nlabels * 8 != body) {
        VEC_ERR(err, DATA_CORRUPTED, "vector index file is %s",
                truncated ? "truncated" : "longer than its header says");
        orb_err_detail(err,
                       "The header promises %llu bytes of faiss index and %llu labels; "
                       "the file holds %llu bytes after the header.",
                       (unsigned long long)h.faiss_len, (unsigned long long)h.nlabels,
                       (unsigned long long)body);
        return -1;
    }
    if (crc32c_update(0, buf + kHeaderLen, body) != h.payload_crc)
        return VEC_ERR(err, DATA_CORRUPTED, "vector index file checksum mismatch");

    /* Checksums passed, so faiss sees only bytes we wrote. If they are still malformed (a
     * writer bug, version skew), faiss 1.7.3's read_index throws and leaks the part it had
     * read (raw new, no RAII); we report XX001 and accept that bounded leak. */
    SpanReader r(buf + kHeaderLen, h.faiss_len);
    std::unique_ptr<faiss::Index> idx;
    try {
        idx.reset(faiss::read_index(&r));
    } catch (const faiss::FaissException &e) {
        VEC_ERR(err, DATA_CORRUPTED, "vector index file holds an unreadable faiss index");
        orb_err_detail(err, "faiss: %s", e.what());
        return -1;
    }
    const char *why = nullptr;
    if (r.pos != h.faiss_len)
        why = "faiss index length mismatch";
    else if (idx->d != h.opts.dim)
        why = "dimension mismatch";
    else if (idx->metric_type != faiss_metric(h.opts.metric))
        why = "metric mismatch";
    else if (h.opts.method == VEC_METHOD_HNSW) {
        auto *hn = dynamic_cast<faiss::IndexHNSWFlat *>(idx.get());
        if (!hn)
            why = "not an HNSW index";
        else if ((uint64_t)hn->ntotal != h.nlabels)
            why = "label count mismatch";
        else
            use_simd_storage(hn);
    } else {
        auto *ivf = dynamic_cast<faiss::IndexIVFFlat *>(idx.get());
        if (!ivf)
            why = "not an IVFFlat index";
        else if (h.nlabels != 0 || ivf->nlist != (size_t)h.opts.lists)
            why = "list count mismatch";
        else {
            ivf->cp.verbose = false;
            ivf->cp.min_points_per_centroid = 1;
            if (h.opts.metric == VEC_METRIC_COSINE) ivf->cp.spherical = true;
        }
    }
    if (why) {
        VEC_ERR(err, DATA_CORRUPTED, "vector index file does not match its header");
        orb_err_detail(err, "%s.", why);
        return -1;
    }
    std::unique_ptr<vec_index> ix(new vec_index);
    ix->opts = h.opts;
    ix->req_lists = h.opts.lists;
    if (h.nlabels) {
        ix->labels.resize(h.nlabels);
        memcpy(ix->labels.data(), buf + kHeaderLen + h.faiss_len, h.nlabels * 8);
    }
    ix->index = idx.release();
    *out = ix.release();
    return 0;
}

} // namespace

/* ---- API ------------------------------------------------------------------------------- */
extern "C" {

void vec_index_set_own_search(bool on) { own_hnsw_search.store(on, std::memory_order_relaxed); }

int vec_index_set_threads(int n) {
    return g_build_threads.exchange(n < 0 ? 0 : n, std::memory_order_relaxed);
}

int vec_index_create(const vec_index_opts_t *o, vec_index_t **out, orb_err_t *err) {
    *out = nullptr;
    vec_index_opts_t eff;
    if (!o) return VEC_ERR(err, INTERNAL_ERROR, "vector index options are NULL");
    if (opts_check(o, &eff, false, err) != 0) return -1;
    return guard(err, "create", [&]() {
        std::unique_ptr<vec_index> ix(new vec_index);
        ix->opts = eff;
        ix->req_lists = eff.lists;
        ix->index = make_index(eff);
        *out = ix.release();
        return 0;
    });
}

void vec_index_destroy(vec_index_t *ix) {
    try {
        delete ix;
    } catch (...) {
        /* faiss destructors do not throw; nothing sensible to do if one did */
    }
}

void vec_index_opts_get(const vec_index_t *ix, vec_index_opts_t *out) { *out = ix->opts; }

bool vec_index_is_trained(const vec_index_t *ix) { return ix->index->is_trained; }

size_t vec_index_size(const vec_index_t *ix) { return (size_t)ix->index->ntotal; }

int vec_index_train(vec_index_t *ix, size_t n, const float *x, orb_err_t *err) {
    if (check_usable(ix, err) != 0) return -1;
    if (ix->opts.method != VEC_METHOD_IVFFLAT) return 0;
    if (ix->index->ntotal > 0) {
        VEC_ERR(err, OBJECT_NOT_IN_PREREQUISITE_STATE,
                "cannot train a vector index that holds vectors");
        orb_err_hint(err, "Rebuild the index instead.");
        return -1;
    }
    const int dim = ix->opts.dim;
    if (n > 0 && !all_finite(x, n * (size_t)dim))
        return VEC_ERR(err, DATA_EXCEPTION, "vector index training data contains NaN or infinity");
    return guard(err, "training", [&]() {
        const float *sample = x;
        size_t nuse = n;
        std::vector<float> unit;
        if (ix->opts.metric == VEC_METRIC_COSINE) {
            unit.resize(n * (size_t)dim);
            nuse = 0;
            for (size_t i = 0; i < n; i++)
                if (normalise(x + i * dim, dim, unit.data() + nuse * dim)) nuse++;
            sample = unit.data();
        }
        int nlist = ix->req_lists;
        if (nuse < (size_t)nlist) nlist = nuse > 0 ? (int)nuse : 1;
        std::unique_ptr<faiss::IndexIVFFlat> ivf(make_ivf(ix->opts, nlist));
        if (nuse == 0) {
            /* Nothing to cluster: one list around the origin, i.e. an exact scan. */
            std::vector<float> zero((size_t)dim, 0.0f);
            ivf->quantizer->add(1, zero.data());
            ivf->is_trained = true;
        } else {
            OmpThreads t(build_threads());
            ivf->train((idx_t)nuse, sample);
        }
        delete ix->index;
        ix->index = ivf.release();
        ix->opts.lists = nlist;
        return 0;
    });
}

int vec_index_add(vec_index_t *ix, size_t n, const float *x, const int64_t *labels, size_t *nadded,
                  orb_err_t *err) {
    if (nadded) *nadded = 0;
    if (check_usable(ix, err) != 0) return -1;
    if (n == 0) return 0;
    if (!ix->index->is_trained) {
        VEC_ERR(err, OBJECT_NOT_IN_PREREQUISITE_STATE, "vector index is not trained");
        orb_err_hint(err, "Train an ivfflat index before adding vectors.");
        return -1;
    }
    const int dim = ix->opts.dim;
    if (!all_finite(x, n * (size_t)dim))
        return VEC_ERR(err, DATA_EXCEPTION, "vector contains NaN or infinity");
    for (size_t i = 0; i < n; i++)
        if (labels[i] == -1)
            return VEC_ERR(err, INVALID_PARAMETER_VALUE, "vector label -1 is reserved");
    const bool hnsw = ix->opts.method == VEC_METHOD_HNSW;
    if (hnsw && (uint64_t)ix->index->ntotal + n > (uint64_t)INT32_MAX)
        return VEC_ERR(err, PROGRAM_LIMIT_EXCEEDED, "hnsw index cannot hold more than %d vectors",
                       INT32_MAX);
    return guard(err, "insert", [&]() {
        OmpThreads t(n >= kParallelAddMin ? build_threads() : 1);
        size_t added = 0;
        auto add_batch = [&](size_t m, const float *xb, const int64_t *lb) {
            if (m == 0) return;
            try {
                if (hnsw) {
                    ix->labels.insert(ix->labels.end(), lb, lb + m);
                    ix->index->add((idx_t)m, xb);
                } else {
                    ix->index->add_with_ids((idx_t)m, xb, lb);
                }
            } catch (...) {
                ix->broken = true; /* faiss may hold part of the batch */
                throw;
            }
            added += m;
        };
        if (ix->opts.metric != VEC_METRIC_COSINE) {
            add_batch(n, x, labels);
        } else {
            /* Normalise in batches of ~16 MiB so a bulk load does not double its memory. */
            size_t rows = std::max<size_t>(1, (16u << 20) / (sizeof(float) * dim));
            std::vector<float> unit(std::min(rows, n) * dim);
            std::vector<int64_t> lb(std::min(rows, n));
            for (size_t i0 = 0; i0 < n; i0 += rows) {
                size_t i1 = std::min(n, i0 + rows), m = 0;
                for (size_t i = i0; i < i1; i++)
                    if (normalise(x + i * dim, dim, unit.data() + m * dim)) lb[m++] = labels[i];
                add_batch(m, unit.data(), lb.data());
            }
        }
        if (nadded) *nadded = added;
        return 0;
    });
}

int vec_index_remove(vec_index_t *ix, size_t n, const int64_t *labels, size_t *nremoved,
                     orb_err_t *err) {
    if (nremoved) *nremoved = 0;
    if (check_usable(ix, err) != 0) return -1;
    if (ix->opts.method == VEC_METHOD_HNSW) {
        VEC_ERR(err, FEATURE_NOT_SUPPORTED, "hnsw indexes do not support removing vectors");
        orb_err_hint(err, "Filter removed rows at search time and rebuild the index.");
        return -1;
    }
    if (n == 0 || !ix->index->is_trained) return 0;
    return guard(err, "remove", [&]() {
        OmpThreads one(1); /* inline actor work: scans every list, but on this thread only */
        faiss::IDSelectorBatch sel(n, labels);
        size_t r = ix->index->remove_ids(sel);
        if (nremoved) *nremoved = r;
        return 0;
    });
}

int vec_index_search(const vec_index_t *ix, const float *q, const vec_search_params_t *p,
                     float *dist, int64_t *labels, int *nfound, orb_err_t *err) {
    *nfound = 0;
    if (check_usable(ix, err) != 0) return -1;
    if (p->k < 1)
        return VEC_ERR(err, INVALID_PARAMETER_VALUE, "k must be at least 1, not %d", p->k);
    const int dim = ix->opts.dim;
    if (!all_finite(q, (size_t)dim))
        return VEC_ERR(err, DATA_EXCEPTION, "query vector contains NaN or infinity");
    const faiss::Index *index = ix->index;
    if (index->ntotal == 0 || !index->is_trained) return 0;
    return guard(err, "search", [&]() {
        std::vector<float> unit;
        if (ix->opts.metric == VEC_METRIC_COSINE) {
            unit.resize((size_t)dim);
            if (!normalise(q, dim, unit.data())) return 0; /* as pgvector: no rows */
            q = unit.data();
        }
        const idx_t k = p->k;
        const bool hnsw = ix->opts.method == VEC_METHOD_HNSW;
        std::vector<float> D((size_t)k);
        std::vector<idx_t> I((size_t)k);
        KeepSelector sel(p->keep_cb, p->keep_arg, hnsw ? &ix->labels : nullptr);
        faiss::IDSelector *selp = p->keep_cb ? &sel : nullptr;
        OmpThreads one(1);
        auto count = [&]() {
            idx_t c = 0;
            while (c < k && I[(size_t)c] != -1) c++; /* labels may be negative */
            return c;
        };
        idx_t found;
        if (hnsw) {
            faiss::SearchParametersHNSW sp;
            sp.sel = selp;
            idx_t ef = p->ef_search > 0 ? p->ef_search : VEC_HNSW_DEFAULT_EF_SEARCH;
            if (ef < k) ef = k;
            /* faiss 1.7.3 sizes HNSW's candidate queue from the member hnsw.efSearch and uses
             * params->efSearch only to stop (fixed in later faiss), so set both. The index has
             * one user thread at a time (vec_index.h), so the write is not a race. */
            auto *hn = static_cast<faiss::IndexHNSW *>(ix->index);
            struct Restore {
                faiss::IndexHNSW *h;
                int ef;
                ~Restore() { h->hnsw.efSearch = ef; } /* keep saved bytes independent of searches */
            } restore{hn, hn->hnsw.efSearch};
            for (;;) {
                sp.efSearch = (int)std::min<idx_t>(ef, INT32_MAX);
                hn->hnsw.efSearch = sp.efSearch;
                if (!own_hnsw_search.load(std::memory_order_relaxed) ||
                    !hnsw_search(hn, q, k, sp.efSearch, selp, D.data(), I.data()))
                    index->search(1, q, k, D.data(), I.data(), &sp);
                found = count();
                if (!selp || !p->widen || found >= k || ef >= index->ntotal) break;
                ef = std::min<idx_t>(ef * 4, std::max<idx_t>(index->ntotal, k));
            }
        } else {
            auto *ivf = static_cast<const faiss::IndexIVFFlat *>(index);
            size_t nprobe = p->probes > 0 ? (size_t)p->probes : VEC_IVF_DEFAULT_PROBES;
            if (nprobe > ivf->nlist) nprobe = ivf->nlist;
            for (;;) {
                ivf_search(ivf, q, k, nprobe, selp, D.data(), I.data());
                found = count();
                if (!selp || !p->widen || found >= k || nprobe >= ivf->nlist) break;
                nprobe = std::min(nprobe * 4, ivf->nlist);
            }
        }
        /* faiss puts its -1 "no result" slots last; keep the found prefix. */
        for (idx_t i = 0; i < found; i++) {
            idx_t id = I[(size_t)i];
            if (hnsw) {
                if ((size_t)id >= ix->labels.size())
                    return VEC_ERR(err, INTERNAL_ERROR, "hnsw result id %lld has no label",
                                   (long long)id);
                labels[i] = ix->labels[(size_t)id];
            } else {
                labels[i] = id;
            }
            dist[i] = pg_distance(ix->opts.metric, D[(size_t)i]);
        }
        *nfound = (int)found;
        return 0;
    });
}

int vec_index_serialize(const vec_index_t *ix, orb_mcx_t *mcx, void **buf, size_t *len,
                        orb_err_t *err) {
    *buf = nullptr;
    *len = 0;
    if (check_usable(ix, err) != 0) return -1;
    return guard(err, "serialize", [&]() {
        BufWriter w;
        Header h = write_payload(ix, w);
        uint8_t hdr[kHeaderLen];
        header_encode(h, hdr);
        uint8_t *out = static_cast<uint8_t *>(orb_alloc(mcx, kHeaderLen + w.data.size()));
        memcpy(out, hdr, kHeaderLen);
        memcpy(out + kHeaderLen, w.data.data(), w.data.size());
        *buf = out;
        *len = kHeaderLen + w.data.size();
        return 0;
    });
}

int vec_index_deserialize(const void *buf, size_t len, vec_index_t **out, orb_err_t *err) {
    *out = nullptr;
    return guard(err, "load",
                 [&]() { return deserialize(static_cast<const uint8_t *>(buf), len, out, err); });
}

int vec_index_save(const vec_index_t *ix, const char *path, orb_err_t *err) {
    if (check_usable(ix, err) != 0) return -1;
    return guard(err, "save", [&]() {
        std::string tmp = std::string(path) + ".tmp";
        int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) return io_fail(err, errno, "create", tmp.c_str());
        try {
            FdWriter w(fd);
            uint8_t hdr[kHeaderLen] = {0};
            w.write_all(hdr, kHeaderLen); /* placeholder; not part of the payload checksum */
            Header h = write_payload(ix, w);
            w.flush();
            header_encode(h, hdr);
            if (::pwrite(fd, hdr, kHeaderLen, 0) != (ssize_t)kHeaderLen)
                throw IoError{errno ? errno : EIO, "write"};
            if (::fsync(fd) != 0) throw IoError{errno, "fsync"};
            int rc = ::close(fd);
            fd = -1;
            if (rc != 0) throw IoError{errno, "close"};
            if (::rename(tmp.c_str(), path) != 0) throw IoError{errno, "rename"};
        } catch (const IoError &e) {
            if (fd >= 0) ::close(fd);
            ::unlink(tmp.c_str());
            return io_fail(err, e.errnum, e.op, path);
        } catch (...) {
            if (fd >= 0) ::close(fd);
            ::unlink(tmp.c_str());
            throw;
        }
        /* Make the rename durable. */
        std::string dir(path);
        size_t slash = dir.rfind('/');
        dir = slash == std::string::npos ? "." : slash == 0 ? "/" : dir.substr(0, slash);
        int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) return io_fail(err, errno, "open directory of", path);
        int rc = ::fsync(dfd), e = errno;
        ::close(dfd);
        if (rc != 0) return io_fail(err, e, "fsync directory of", path);
        return 0;
    });
}

int vec_index_load(const char *path, vec_index_t **out, orb_err_t *err) {
    *out = nullptr;
    return guard(err, "load", [&]() {
        int fd = ::open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return io_fail(err, errno, "open", path);
        std::vector<uint8_t> data;
        struct stat st;
        if (::fstat(fd, &st) == 0 && st.st_size > 0) data.reserve((size_t)st.st_size);
        uint8_t chunk[1 << 16];
        for (;;) {
            ssize_t r = ::read(fd, chunk, sizeof chunk);
            if (r < 0) {
                if (errno == EINTR) continue;
                int e = errno;
                ::close(fd);
                return io_fail(err, e, "read", path);
            }
            if (r == 0) break;
            data.insert(data.end(), chunk, chunk + r);
        }
        ::close(fd);
        if (deserialize(data.data(), data.size(), out, err) != 0) {
            orb_err_hint(err, "Rebuild the index from the table's rows.");
            return -1;
        }
        return 0;
    });
}

} // extern "C"
