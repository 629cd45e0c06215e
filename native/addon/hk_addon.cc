// hk_addon.cc — hakmem.node: the variant's prefixed API for JavaScript (addresses are BigInt).
// Linked with the addon build of the variant unit, where every hakmem_* name is hidden, so
// loading this addon never replaces Node's own malloc.
#include <napi.h>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include "hakmem.h"

extern "C" {
void *hakmem_malloc(size_t);
void *hakmem_calloc(size_t, size_t);
void *hakmem_realloc(void *, size_t);
void hakmem_free(void *);
int hakmem_posix_memalign(void **, size_t, size_t);
size_t hakmem_malloc_usable_size(void *);
}

namespace {

void *ToPtr(const Napi::Value &v) {
  if (v.IsBigInt()) {
    bool lossless = true;
    return reinterpret_cast<void *>(static_cast<uintptr_t>(v.As<Napi::BigInt>().Uint64Value(&lossless)));
  }
  if (v.IsNumber()) return reinterpret_cast<void *>(static_cast<uintptr_t>(v.As<Napi::Number>().Int64Value()));
  return nullptr;
}

int64_t ToInt(const Napi::Value &v) {
  if (v.IsBigInt()) {
    bool lossless = true;
    return v.As<Napi::BigInt>().Int64Value(&lossless);
  }
  if (v.IsNumber()) return v.As<Napi::Number>().Int64Value();
  return 0;
}

size_t ToSize(const Napi::Value &v) { return static_cast<size_t>(ToInt(v)); }

Napi::Value FromPtr(Napi::Env env, const void *p) {
  return Napi::BigInt::New(env, static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)));
}

Napi::Value Malloc(const Napi::CallbackInfo &info) { return FromPtr(info.Env(), hakmem_malloc(ToSize(info[0]))); }

Napi::Value Calloc(const Napi::CallbackInfo &info) {
  return FromPtr(info.Env(), hakmem_calloc(ToSize(info[0]), ToSize(info[1])));
}

Napi::Value Realloc(const Napi::CallbackInfo &info) {
  return FromPtr(info.Env(), hakmem_realloc(ToPtr(info[0]), ToSize(info[1])));
}

Napi::Value Free(const Napi::CallbackInfo &info) {
  hakmem_free(ToPtr(info[0]));
  return info.Env().Undefined();
}

Napi::Value Memalign(const Napi::CallbackInfo &info) {
  void *p = nullptr;
  if (hakmem_posix_memalign(&p, ToSize(info[0]), ToSize(info[1])) != 0) p = nullptr;
  return FromPtr(info.Env(), p);
}

Napi::Value UsableSize(const Napi::CallbackInfo &info) {
  return Napi::Number::New(info.Env(), static_cast<double>(hakmem_malloc_usable_size(ToPtr(info[0]))));
}

Napi::Value Fill(const Napi::CallbackInfo &info) {
  void *p = ToPtr(info[0]);
  if (p) std::memset(p, static_cast<int>(ToInt(info[1])), ToSize(info[2]));
  return info.Env().Undefined();
}

Napi::Value Check(const Napi::CallbackInfo &info) {
  auto *p = static_cast<const unsigned char *>(ToPtr(info[0]));
  auto byte = static_cast<unsigned char>(ToInt(info[1]));
  size_t n = ToSize(info[2]);
  bool ok = p != nullptr;
  for (size_t i = 0; ok && i < n; i++) ok = p[i] == byte;
  return Napi::Boolean::New(info.Env(), ok);
}

Napi::Value FreeOnOtherThread(const Napi::CallbackInfo &info) {
  void *p = ToPtr(info[0]);
  std::thread t([p] { hakmem_free(p); });
  t.join();
  return info.Env().Undefined();
}

Napi::Value Version(const Napi::CallbackInfo &info) { return Napi::String::New(info.Env(), hakmem_version()); }
Napi::Value VariantName(const Napi::CallbackInfo &info) { return Napi::String::New(info.Env(), hakmem_variant_name()); }
Napi::Value VariantJson(const Napi::CallbackInfo &info) { return Napi::String::New(info.Env(), hakmem_variant_json()); }

Napi::Value Probe(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    Napi::TypeError::New(env, "probe(slot: string, name: string, arg?: bigint | number)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string slot = info[0].As<Napi::String>().Utf8Value();
  std::string name = info[1].As<Napi::String>().Utf8Value();
  int64_t out = 0;
  if (hakmem_probe(slot.c_str(), name.c_str(), info.Length() > 2 ? ToInt(info[2]) : 0, &out) != 0) {
    Napi::Error::New(env, "hakmem: no probe '" + name + "' in slot '" + slot + "' (or its argument is out of range)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::BigInt::New(env, out);
}

Napi::Value OsStats(const Napi::CallbackInfo &info) {
  hakmem_os_stats_t s;
  hakmem_os_stats(&s);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("chunks", Napi::Number::New(info.Env(), static_cast<double>(s.chunks)));
  o.Set("largeMaps", Napi::Number::New(info.Env(), static_cast<double>(s.large_maps)));
  o.Set("bytesMapped", Napi::Number::New(info.Env(), static_cast<double>(s.bytes_mapped)));
  return o;
}

// hakmem_metrics_json(), parsed: the same object a preloaded process writes to HAKMEM_METRICS.
Napi::Value Metrics(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  char text[8192];
  size_t n = hakmem_metrics_json(text, sizeof text);
  if (n >= sizeof text) {
    Napi::Error::New(env, "hakmem: metrics do not fit the addon's buffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Object json = env.Global().Get("JSON").As<Napi::Object>();
  return json.Get("parse").As<Napi::Function>().Call(json, { Napi::String::New(env, text, n) });
}

Napi::Value Trim(const Napi::CallbackInfo &info) {
  return Napi::Number::New(info.Env(), static_cast<double>(hakmem_trim()));
}

// hakmem_profile_dump(path): the heap profile written now; throws with errno's text when it
// is not (ENOTSUP: the variant's sampler box keeps no profile).
Napi::Value ProfileDump(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "profileDump(path: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string path = info[0].As<Napi::String>().Utf8Value();
  if (hakmem_profile_dump(path.c_str()) != 0) {
    int e = errno;
    Napi::Error err = Napi::Error::New(env, "hakmem: profile dump to " + path + ": " + strerror(e));
    err.Set("errno", Napi::Number::New(env, e));
    err.ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

Napi::Value Stats(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  static hakmem_stats_t s;  // 30 KiB: not on the stack
  hakmem_stats(&s);
  Napi::Object o = Napi::Object::New(env);
  o.Set("enabled", Napi::Boolean::New(env, s.enabled != 0));
  o.Set("profiled", Napi::Boolean::New(env, s.profiled != 0));
  Napi::Object events = Napi::Object::New(env);
  for (int e = 0; e < HAKMEM_EVENTS; e++) {
    Napi::Object ev = Napi::Object::New(env);
    ev.Set("count", Napi::Number::New(env, static_cast<double>(s.count[e])));
    ev.Set("cycles", Napi::Number::New(env, static_cast<double>(s.cycles[e])));
    Napi::Array by = Napi::Array::New(env, HAKMEM_CLASSES);
    for (uint32_t c = 0; c < HAKMEM_CLASSES; c++)
      by.Set(c, Napi::Number::New(env, static_cast<double>(s.by_class[e][c])));
    ev.Set("byClass", by);
    events.Set(hakmem_event_name(e), ev);
  }
  o.Set("events", events);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("malloc", Napi::Function::New(env, Malloc));
  exports.Set("calloc", Napi::Function::New(env, Calloc));
  exports.Set("realloc", Napi::Function::New(env, Realloc));
  exports.Set("free", Napi::Function::New(env, Free));
  exports.Set("memalign", Napi::Function::New(env, Memalign));
  exports.Set("usableSize", Napi::Function::New(env, UsableSize));
  exports.Set("fill", Napi::Function::New(env, Fill));
  exports.Set("check", Napi::Function::New(env, Check));
  exports.Set("freeOnOtherThread", Napi::Function::New(env, FreeOnOtherThread));
  exports.Set("version", Napi::Function::New(env, Version));
  exports.Set("variantName", Napi::Function::New(env, VariantName));
  exports.Set("variantJson", Napi::Function::New(env, VariantJson));
  exports.Set("probe", Napi::Function::New(env, Probe));
  exports.Set("osStats", Napi::Function::New(env, OsStats));
  exports.Set("stats", Napi::Function::New(env, Stats));
  exports.Set("trim", Napi::Function::New(env, Trim));
  exports.Set("metrics", Napi::Function::New(env, Metrics));
  exports.Set("profileDump", Napi::Function::New(env, ProfileDump));
  return exports;
}

}  // namespace

NODE_API_MODULE(hakmem, Init)
