package io.stockingest.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The S3 lake's instance lease against a real S3-compatible server (s3proxy on loopback), with a hand-driven clock. */
class LeaseInstanceLockTest {
    private static final Instant SINCE = Instant.parse("2024-09-30T13:30:00Z");
    private final AtomicReference<Instant> now = new AtomicReference<>(SINCE);
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final S3LakeStorage storage = S3TestServer.storage(S3TestServer.newBucket(), "team/lake");

    private LeaseInstanceLock take() {
        return LeaseInstanceLock.take(storage, "watch", now.get(), now::get, warnings::add);
    }

    private LeaseInstanceLock.Lease stored() {
        return LeaseInstanceLock.Lease.parse(storage.get(".watch.lock")).orElseThrow();
    }

    private void store(String host, String bootId, String pidNamespace, long pid, Instant expires) {
        storage.put(".watch.lock", new LeaseInstanceLock.Lease(host, bootId, pidNamespace, pid, "their-token", SINCE, expires, false).bytes());
    }

    @Test
    void aSecondStartIsRefusedWithTheHoldersPidHostAndStart() {
        try (LeaseInstanceLock first = take()) {
            assertThat(first.holder()).isEqualTo("pid " + ProcessHandle.current().pid() + ", since " + SINCE);
            assertThatThrownBy(this::take).isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USAGE))
                    .hasMessage("watch is already running (pid " + ProcessHandle.current().pid() + ", since " + SINCE + "; host " + LeaseInstanceLock.host()
                            + ", lease until 2024-09-30T13:32:00Z) on " + storage.describe() + "; stop it first");
            assertThat(stored().expires()).isEqualTo(SINCE.plus(LeaseInstanceLock.TTL));
            assertThat(stored().released()).isFalse();
        }
    }

    @Test
    void aReleasedLeaseIsTakenAtOnce() {
        take().close();
        assertThat(stored().released()).isTrue();
        try (LeaseInstanceLock second = take()) {
            assertThat(stored().released()).isFalse();
            assertThat(second.lost()).isEmpty();
        }
    }

    @Test
    void aLiveLeaseOfAnotherHostBlocksUntilItExpires() {
        store("other-host", "boot-b", "pid:[1]", 4242, SINCE.plus(Duration.ofMinutes(1)));
        assertThatThrownBy(this::take).hasMessageStartingWith("watch is already running (pid 4242, since " + SINCE + "; host other-host, lease until ");
        now.set(SINCE.plus(Duration.ofMinutes(1)));
        try (LeaseInstanceLock taken = take()) {
            assertThat(stored().host()).isEqualTo(LeaseInstanceLock.host());
            assertThat(stored().pid()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void aDeadProcessOfThisHostAndPidNamespaceDoesNotBlock() throws Exception {
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-version").redirectErrorStream(true).start();
        child.getInputStream().readAllBytes();
        assertThat(child.waitFor()).isZero();
        long deadPid = child.pid();

        store(LeaseInstanceLock.host(), LeaseInstanceLock.bootId(), "pid:[elsewhere]", deadPid, SINCE.plus(Duration.ofMinutes(2)));
        assertThatThrownBy(this::take).as("the same pid in another namespace may be a live process").hasMessageContaining("already running (pid " + deadPid);
        store(LeaseInstanceLock.host(), "another-machine-of-the-same-name", LeaseInstanceLock.pidNamespace(), deadPid, SINCE.plus(Duration.ofMinutes(2)));
        assertThatThrownBy(this::take).as("a machine with the same host name").hasMessageContaining("already running (pid " + deadPid);

        store(LeaseInstanceLock.host(), LeaseInstanceLock.bootId(), LeaseInstanceLock.pidNamespace(), deadPid, SINCE.plus(Duration.ofMinutes(2)));
        try (LeaseInstanceLock taken = take()) {
            assertThat(stored().pid()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void renewalPushesTheExpiryAndATakeoverIsNoticedAndNotOverwritten() {
        LeaseInstanceLock first = take();
        now.set(SINCE.plus(Duration.ofMinutes(1)));
        assertThat(first.renew()).isTrue();
        assertThat(stored().expires()).isEqualTo(SINCE.plus(Duration.ofMinutes(3)));

        // the holder stalls past its expiry; another process takes the lease over
        now.set(SINCE.plus(Duration.ofMinutes(3)));
        LeaseInstanceLock second = take();
        String secondsToken = stored().token();

        assertThat(first.renew()).isFalse();
        assertThat(first.lost()).get().asString().contains("was taken over by another process (pid " + ProcessHandle.current().pid());
        assertThat(warnings).singleElement().asString().contains("was taken over by another process").contains(storage.describe());
        first.close();
        assertThat(stored().token()).as("the lost holder leaves the new lease alone").isEqualTo(secondsToken);
        assertThat(stored().released()).isFalse();
        second.close();
        assertThat(stored().released()).isTrue();
    }

    /** Writes that land but answer as if they had not: what an SDK retry of a write whose first answer was lost sees (412). */
    private static final class AmbiguousWrites extends ForwardingLakeStorage {
        int readFailures;

        AmbiguousWrites(LakeStorage delegate) {
            super(delegate);
        }

        @Override
        public boolean putIfAbsent(String key, byte[] bytes) {
            super.putIfAbsent(key, bytes);
            return false;
        }

        @Override
        public java.util.Optional<Versioned> getVersioned(String key) {
            if (readFailures > 0) {
                readFailures--;
                throw new IngestException(ErrorKind.SINK, "Cannot read " + key + ": 503 SlowDown");
            }
            return super.getVersioned(key);
        }

        @Override
        public boolean replaceIfUnchanged(String key, byte[] bytes, String version) {
            super.replaceIfUnchanged(key, bytes, version);
            return false;
        }
    }

    @Test
    void aWriteThatLandedButAnsweredOtherwiseStillCountsAsOurs() {
        AmbiguousWrites ambiguous = new AmbiguousWrites(storage);
        LeaseInstanceLock lock = LeaseInstanceLock.take(ambiguous, "watch", SINCE, now::get, warnings::add);
        assertThat(stored().pid()).isEqualTo(ProcessHandle.current().pid());

        now.set(SINCE.plus(Duration.ofMinutes(1)));
        assertThat(lock.renew()).as("a renewal whose answer was lost").isTrue();
        assertThat(stored().expires()).isEqualTo(SINCE.plus(Duration.ofMinutes(3)));

        now.set(SINCE.plus(Duration.ofMinutes(2)));
        ambiguous.readFailures = 1;
        assertThat(lock.renew()).as("a renewal whose read-back failed is retried").isTrue();
        now.set(SINCE.plus(Duration.ofMinutes(3)));
        assertThat(lock.renew()).isTrue();
        assertThat(lock.lost()).isEmpty();
        assertThat(stored().expires()).isEqualTo(SINCE.plus(Duration.ofMinutes(5)));
        assertThat(warnings).singleElement().asString().startsWith("Cannot renew the instance lease .watch.lock").contains("503 SlowDown");
        lock.close();
        assertThat(stored().released()).isTrue();
        assertThat(warnings).hasSize(1);
    }

    @Test
    void aReleaseAfterAnUnseenRenewalStillReleasesAndATakenOverLeaseIsLeftAlone() {
        AmbiguousWrites ambiguous = new AmbiguousWrites(storage);
        LeaseInstanceLock lock = LeaseInstanceLock.take(ambiguous, "watch", SINCE, now::get, warnings::add);
        now.set(SINCE.plus(Duration.ofMinutes(1)));
        ambiguous.readFailures = 1;
        assertThat(lock.renew()).as("the renewal landed, its read-back failed: the lock holds a stale version").isTrue();
        lock.close();
        assertThat(stored().released()).as("released under the version read back").isTrue();
        assertThat(warnings).singleElement().asString().startsWith("Cannot renew");

        warnings.clear();
        now.set(SINCE.plus(Duration.ofMinutes(10)));
        LeaseInstanceLock stalled = take();
        now.set(SINCE.plus(Duration.ofMinutes(13)));
        LeaseInstanceLock newer = take(); // the stalled holder's lease expired unrenewed
        stalled.close();
        assertThat(stored().released()).as("the newer holder's lease is not released by the stalled one").isFalse();
        assertThat(warnings).singleElement().asString().contains("had been taken over by another process (pid ");
        newer.close();
        assertThat(stored().released()).isTrue();
    }

    @Test
    void anObjectThatIsNotALeaseIsNotOverwritten() {
        storage.put(".watch.lock", "pid 12, since yesterday".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(this::take).isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USAGE))
                .hasMessage("Cannot tell whether watch is running on " + storage.describe() + ": .watch.lock is not a lease; if no watch runs there,"
                        + " delete it");
        assertThat(new String(storage.get(".watch.lock"), StandardCharsets.UTF_8)).isEqualTo("pid 12, since yesterday");
    }

    @Test
    void ofEightSimultaneousStartsExactlyOneGetsTheLease() throws Exception {
        store("other-host", "boot-b", "pid:[1]", 1, SINCE.minusSeconds(1)); // an expired lease: every starter tries to replace it
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<LeaseInstanceLock>> starters = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            starters.add(() -> {
                start.await();
                return take();
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<LeaseInstanceLock>> results = new ArrayList<>();
            for (Callable<LeaseInstanceLock> starter : starters) {
                results.add(pool.submit(starter));
            }
            start.countDown();
            List<LeaseInstanceLock> winners = new ArrayList<>();
            List<String> refusals = new ArrayList<>();
            for (Future<LeaseInstanceLock> result : results) {
                try {
                    winners.add(result.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    refusals.add(e.getCause().getMessage());
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(refusals).hasSize(7).allSatisfy(message -> assertThat(message).contains("watch is already running (pid "));
            assertThat(stored().pid()).isEqualTo(ProcessHandle.current().pid());
            winners.getFirst().close();
        } finally {
            pool.shutdownNow();
        }
    }
}
