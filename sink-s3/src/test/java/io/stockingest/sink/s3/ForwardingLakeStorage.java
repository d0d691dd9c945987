package io.stockingest.sink.s3;

import java.util.Optional;
import java.util.Set;

/** Forwards every call to another storage; tests override the calls they interleave, fail or misreport. */
class ForwardingLakeStorage implements LakeStorage {
    private final LakeStorage delegate;

    ForwardingLakeStorage(LakeStorage delegate) {
        this.delegate = delegate;
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void check() {
        delegate.check();
    }

    @Override
    public Set<String> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] bytes) {
        return delegate.putIfAbsent(key, bytes);
    }

    @Override
    public void put(String key, byte[] bytes) {
        delegate.put(key, bytes);
    }

    @Override
    public byte[] get(String key) {
        return delegate.get(key);
    }

    @Override
    public Optional<Versioned> getVersioned(String key) {
        return delegate.getVersioned(key);
    }

    @Override
    public boolean replaceIfUnchanged(String key, byte[] bytes, String version) {
        return delegate.replaceIfUnchanged(key, bytes, version);
    }
}
