/* actors/act_seq.c — sequences and the node-wide oid counter: non-transactional, handed out
 * from durable blocks of 32 reserved with st_db_put_sync in the catalog column family under
 * reserved keys (table 0, shard 0xFFFF). Entry points: act_seq_create/next/set/drop,
 * act_oid_next. Invariant: a value is handed out only after a durable high-water mark at or
 * beyond it is written, so a restart never repeats one (README invariant 7). */
#include "actors_int.h"

#include <stdlib.h>
#include <string.h>

#define SEQ_BLOCK 32
#define SEQ_SHARD 0xFFFF
#define SEQ_INDEX_SEQ 1
#define SEQ_INDEX_OID 2
#define OID_FIRST 16384

struct act_seq_ent {
    act_seq_ent_t *next;
    uint64_t id;
    int64_t increment, min_value, max_value, start;
    int64_t reserved_upto; /* durable `last` */
    int64_t next_val;
    bool exhausted; /* next_val overflowed int64 */
};

static void seq_key(orb_buf_t *b, uint64_t id) {
    st_key_prefix(b, 0, SEQ_SHARD, SEQ_INDEX_SEQ);
    st_val_t v = {.kind = ST_INT, .i = (int64_t)id};
    st_key_append(b, &v, NULL); /* ints never fail */
}

static act_seq_ent_t **seq_find(act_runtime_t *rt, uint64_t id) {
    act_seq_ent_t **pp = &rt->seqs;
    while (*pp && (*pp)->id != id) pp = &(*pp)->next;
    return pp;
}

static int seq_save(act_runtime_t *rt, const act_seq_ent_t *e, int64_t last, orb_err_t *err) {
    Orbit__SequenceState s = ORBIT__SEQUENCE_STATE__INIT;
    s.seq_id = e->id;
    s.last = last;
    s.increment = e->increment;
    s.min_value = e->min_value;
    s.max_value = e->max_value;
    s.start = e->start;
    uint8_t buf[128];
    size_t n = orbit__sequence_state__pack(&s, buf);
    orb_buf_t k;
    orb_buf_init(&k);
    seq_key(&k, e->id);
    int rc = st_db_put_sync(rt->db, ST_CF_CATALOG, k.data, k.len, (const char *)buf, n, err);
    orb_buf_free(&k);
    return rc;
}

static void seq_advance(act_seq_ent_t *e, int64_t from) {
    e->exhausted = __builtin_add_overflow(from, e->increment, &e->next_val);
}

/* Loads sequence id from storage; NULL with err when absent. Caller holds seq_lock. */
static act_seq_ent_t *seq_load(act_runtime_t *rt, uint64_t id, orb_err_t *err) {
    act_seq_ent_t **pp = seq_find(rt, id);
    if (*pp) return *pp;
    orb_mcx_t *mcx = orb_mcx_create(NULL, "seq load");
    orb_buf_t k;
    orb_buf_init(&k);
    seq_key(&k, id);
    char *val = NULL;
    size_t vn = 0;
    bool found = false;
    act_seq_ent_t *e = NULL;
    if (st_db_get(rt->db, ST_CF_CATALOG, k.data, k.len, mcx, &val, &vn, &found, err) != 0)
        goto out;
    if (!found) {
        orb_err_set(err, UNDEFINED_OBJECT, "sequence %llu does not exist",
                    (unsigned long long)id);
        goto out;
    }
    Orbit__SequenceState *s = orbit__sequence_state__unpack(NULL, vn, (const uint8_t *)val);
    if (!s) {
        orb_err_set(err, DATA_CORRUPTED, "corrupt state of sequence %llu",
                    (unsigned long long)id);
        goto out;
    }
    e = calloc(1, sizeof *e);
    if (!e) orb_panic("out of memory loading a sequence");
    e->id = id;
    e->increment = s->increment ? s->increment : 1;
    e->min_value = s->min_value;
    e->max_value = s->max_value;
    e->start = s->start;
    e->reserved_upto = s->last;
    seq_advance(e, s->last); /* skip values reserved but not handed out */
    orbit__sequence_state__free_unpacked(s, NULL);
    e->next = rt->seqs;
    rt->seqs = e;
out:
    orb_buf_free(&k);
    orb_mcx_destroy(mcx);
    return e;
}

int act_seq_create(act_runtime_t *rt, uint64_t seq_id, int64_t start, int64_t increment,
                   int64_t min_value, int64_t max_value, orb_err_t *err) {
    if (increment == 0)
        return orb_err_set(err, INVALID_PARAMETER_VALUE, "INCREMENT must not be zero");
    if (min_value > max_value)
        return orb_err_set(err, INVALID_PARAMETER_VALUE,
                           "MINVALUE (%lld) must be less than MAXVALUE (%lld)",
                           (long long)min_value, (long long)max_value);
    if (start < min_value)
        return orb_err_set(err, INVALID_PARAMETER_VALUE,
                           "START value (%lld) cannot be less than MINVALUE (%lld)",
                           (long long)start, (long long)min_value);
    if (start > max_value)
        return orb_err_set(err, INVALID_PARAMETER_VALUE,
                           "START value (%lld) cannot be greater than MAXVALUE (%lld)",
                           (long long)start, (long long)max_value);
    int64_t last;
    if (__builtin_sub_overflow(start, increment, &last))
        return orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE,
                           "START value (%lld) is too close to the int64 range", (long long)start);
    act_seq_ent_t *e = calloc(1, sizeof *e);
    if (!e) orb_panic("out of memory creating a sequence");
    e->id = seq_id;
    e->increment = increment;
    e->min_value = min_value;
    e->max_value = max_value;
    e->start = start;
    e->reserved_upto = last;
    e->next_val = start;
    pthread_mutex_lock(&rt->seq_lock);
    if (seq_save(rt, e, last, err) != 0) {
        pthread_mutex_unlock(&rt->seq_lock);
        free(e);
        return -1;
    }
    act_seq_ent_t **pp = seq_find(rt, seq_id);
    if (*pp) {
        act_seq_ent_t *old = *pp;
        *pp = old->next;
        free(old);
    }
    e->next = rt->seqs;
    rt->seqs = e;
    pthread_mutex_unlock(&rt->seq_lock);
    return 0;
}

int act_seq_next(act_runtime_t *rt, uint64_t seq_id, int64_t *out, orb_err_t *err) {
    pthread_mutex_lock(&rt->seq_lock);
    act_seq_ent_t *e = seq_load(rt, seq_id, err);
    if (!e) goto fail;
    bool up = e->increment > 0;
    int64_t v = e->next_val;
    if (e->exhausted || (up ? v > e->max_value : v < e->min_value)) {
        orb_err_set(err, SEQUENCE_GENERATOR_LIMIT_EXCEEDED,
                    "nextval: reached %s value of sequence %llu (%lld)", up ? "maximum" : "minimum",
                    (unsigned long long)seq_id, (long long)(up ? e->max_value : e->min_value));
        goto fail;
    }
    if (up ? v > e->reserved_upto : v < e->reserved_upto) {
        int64_t span, upto;
        bool ovf = __builtin_mul_overflow(e->increment, (int64_t)(SEQ_BLOCK - 1), &span) ||
                   __builtin_add_overflow(v, span, &upto);
        if (up && (ovf || upto > e->max_value)) upto = e->max_value;
        if (!up && (ovf || upto < e->min_value)) upto = e->min_value;
        if (seq_save(rt, e, upto, err) != 0) goto fail;
        e->reserved_upto = upto;
    }
    seq_advance(e, v);
    pthread_mutex_unlock(&rt->seq_lock);
    *out = v;
    return 0;
fail:
    pthread_mutex_unlock(&rt->seq_lock);
    return -1;
}

int act_seq_set(act_runtime_t *rt, uint64_t seq_id, int64_t value, orb_err_t *err) {
    pthread_mutex_lock(&rt->seq_lock);
    act_seq_ent_t *e = seq_load(rt, seq_id, err);
    if (!e) goto fail;
    if (value < e->min_value || value > e->max_value) {
        orb_err_set(err, NUMERIC_VALUE_OUT_OF_RANGE,
                    "setval: value %lld is out of bounds for sequence %llu (%lld..%lld)",
                    (long long)value, (unsigned long long)seq_id, (long long)e->min_value,
                    (long long)e->max_value);
        goto fail;
    }
    if (seq_save(rt, e, value, err) != 0) goto fail;
    e->reserved_upto = value;
    seq_advance(e, value);
    pthread_mutex_unlock(&rt->seq_lock);
    return 0;
fail:
    pthread_mutex_unlock(&rt->seq_lock);
    return -1;
}

void act_seq_drop(act_runtime_t *rt, uint64_t seq_id) {
    pthread_mutex_lock(&rt->seq_lock);
    act_seq_ent_t **pp = seq_find(rt, seq_id);
    if (*pp) {
        act_seq_ent_t *e = *pp;
        *pp = e->next;
        free(e);
    }
    orb_buf_t lo, hi;
    orb_buf_init(&lo);
    orb_buf_init(&hi);
    seq_key(&lo, seq_id);
    seq_key(&hi, seq_id);
    st_key_prefix_successor(&hi);
    orb_err_t err;
    if (st_db_delete_range(rt->db, ST_CF_CATALOG, lo.data, lo.len, hi.data, hi.len, &err) != 0)
        orb_log(ORB_LOG_WARN, ACT_LOG, "could not remove sequence state seq=%llu: %s",
                (unsigned long long)seq_id, err.message);
    orb_buf_free(&lo);
    orb_buf_free(&hi);
    pthread_mutex_unlock(&rt->seq_lock);
}

int act_oid_next(act_runtime_t *rt, uint32_t *out, orb_err_t *err) {
    orb_buf_t k;
    orb_buf_init(&k);
    st_key_prefix(&k, 0, SEQ_SHARD, SEQ_INDEX_OID);
    int rc = -1;
    pthread_mutex_lock(&rt->seq_lock);
    if (!rt->oid_loaded) {
        orb_mcx_t *mcx = orb_mcx_create(NULL, "oid load");
        char *val = NULL;
        size_t vn = 0;
        bool found = false;
        int grc = st_db_get(rt->db, ST_CF_CATALOG, k.data, k.len, mcx, &val, &vn, &found, err);
        if (grc == 0 && found && vn != 8) {
            orb_err_set(err, DATA_CORRUPTED, "corrupt oid counter");
            grc = -1;
        }
        if (grc == 0) {
            uint64_t last = found ? orb_get_be64(val) : OID_FIRST - 1;
            rt->oid_reserved_upto = last;
            rt->oid_next = last + 1;
            rt->oid_loaded = true;
        }
        orb_mcx_destroy(mcx);
        if (grc != 0) goto out;
    }
    if (rt->oid_next > UINT32_MAX) {
        orb_err_set(err, PROGRAM_LIMIT_EXCEEDED, "object identifiers are exhausted");
        goto out;
    }
    if (rt->oid_next > rt->oid_reserved_upto) {
        uint64_t upto = rt->oid_next + SEQ_BLOCK - 1;
        if (upto > UINT32_MAX) upto = UINT32_MAX;
        orb_buf_t v;
        orb_buf_init(&v);
        orb_buf_put_be64(&v, upto);
        int prc = st_db_put_sync(rt->db, ST_CF_CATALOG, k.data, k.len, v.data, v.len, err);
        orb_buf_free(&v);
        if (prc != 0) goto out;
        rt->oid_reserved_upto = upto;
    }
    *out = (uint32_t)rt->oid_next++;
    rc = 0;
out:
    pthread_mutex_unlock(&rt->seq_lock);
    orb_buf_free(&k);
    return rc;
}

void act__seq_registry_close(act_runtime_t *rt) {
    while (rt->seqs) {
        act_seq_ent_t *e = rt->seqs;
        rt->seqs = e->next;
        free(e);
    }
}
