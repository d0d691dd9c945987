package io.stockingest.sink.s3;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.spi.Sink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One instance of a job per S3 lake: a lease object {@code .<job>.lock} under the lake prefix, taken and renewed
 * only by conditional writes, so that of two starting processes exactly one gets it.
 *
 * <ul>
 *   <li>Taking it: {@code If-None-Match: *} when there is none; otherwise the object is read, and a lease that was
 *       released, has expired, or names a dead process of this machine is replaced with {@code If-Match: ETAG}
 *       (of two takers only one wins). Whether a write took is decided by reading the object back and finding our
 *       random token in it, never by the write's answer alone (an SDK retry of a write that landed answers 412). A
 *       live lease refuses the start with the holder's pid, start time, host and expiry.</li>
 *   <li>Holding it: a daemon thread renews the expiry every {@link #RENEW_EVERY} ({@link #TTL} ahead), again with
 *       {@code If-Match}; a renewal that finds the object changed means another process judged the lease expired
 *       and took it: this holder says so on the warning channel, stops renewing and reports it through
 *       {@link #lost()}, on which {@code watch} stops. An S3 error during a renewal is reported and retried at the
 *       next tick.</li>
 *   <li>Releasing it: the lease is rewritten as released ({@code If-Match}), so the next start takes it at once.
 *       A killed holder's lease blocks a start on another host until it expires (at most {@link #TTL}); on the
 *       same host the dead process is recognised at once.</li>
 * </ul>
 * Expiry is judged by each process's own clock: hosts must agree within a minute (NTP). On a server without
 * conditional writes (it answers 501) the lake's weaker read-then-write fallback applies and two starters racing
 * within milliseconds could both take the lease. The object is a few {@code name=value} lines, readable with
 * {@code aws s3 cp s3://.../.watch.lock -}. Thread-safe.
 */
final class LeaseInstanceLock implements Sink.InstanceLock {
    static final Duration TTL = Duration.ofMinutes(2);
    static final Duration RENEW_EVERY = Duration.ofSeconds(30);
    private static final String UNKNOWN = "none";

    private final LakeStorage storage;
    private final String key;
    private final Supplier<Instant> clock;
    private final Consumer<String> warn;
    private Lease mine;
    private final Thread renewer;
    private String version;
    /** Volatile, read without the monitor: a renewal holds the monitor through slow S3 calls, the watch loop must not wait. */
    private volatile String lost;
    private boolean closed;
    /** Renewal and release, which read and write S3 under it: a lock, as a virtual thread blocked on a monitor pins its carrier on Java 21. */
    private final ReentrantLock lock = new ReentrantLock();

    /** A lease as stored; {@code released} marks one given back. */
    record Lease(String host, String bootId, String pidNamespace, long pid, String token, Instant since, Instant expires, boolean released) {
        byte[] bytes() {
            return ("host=" + host + "\nboot_id=" + bootId + "\npid_namespace=" + pidNamespace + "\npid=" + pid + "\ntoken=" + token + "\nsince=" + since
                    + "\nexpires=" + expires + "\nreleased=" + released + "\n").getBytes(StandardCharsets.UTF_8);
        }

        Lease renewed(Instant expires) {
            return new Lease(host, bootId, pidNamespace, pid, token, since, expires, false);
        }

        Lease givenBack() {
            return new Lease(host, bootId, pidNamespace, pid, token, since, expires, true);
        }

        /** The lease in {@code bytes}, or empty when they are not one. */
        static Optional<Lease> parse(byte[] bytes) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                int equals = line.indexOf('=');
                if (equals > 0) {
                    fields.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
                }
            }
            try {
                return Optional.of(new Lease(requireNonNull(fields.get("host")), fields.getOrDefault("boot_id", ""), fields.getOrDefault("pid_namespace", ""),
                        Long.parseLong(fields.get("pid")),
                        requireNonNull(fields.get("token")),
                        Instant.parse(fields.get("since")), Instant.parse(fields.get("expires")), Boolean.parseBoolean(fields.get("released"))));
            } catch (RuntimeException notALease) {
                return Optional.empty();
            }
        }

        String describe() {
            return "pid " + pid + ", since " + since;
        }
    }

    private LeaseInstanceLock(LakeStorage storage, String key, Supplier<Instant> clock, Consumer<String> warn, Lease mine, String version) {
        this.storage = storage;
        this.key = key;
        this.clock = clock;
        this.warn = warn;
        this.mine = mine;
        this.version = version;
        this.renewer = Thread.ofPlatform().daemon().name("lease-" + key).unstarted(this::renewUntilClosed);
    }

    /**
     * Takes the lease of {@code job} in {@code storage} and starts renewing it.
     *
     * @throws IngestException USAGE "{@code <job> is already running (pid N, since T; host H, lease until E) on s3://...; stop it
     *     first}" when a live lease is held, or when the lock object is not a lease; SINK when S3 cannot be reached
     */
    static LeaseInstanceLock acquire(LakeStorage storage, String job, Instant since, Supplier<Instant> clock, Consumer<String> warn) {
        LeaseInstanceLock lock = take(storage, job, since, clock, warn);
        lock.renewer.start();
        return lock;
    }

    /** {@link #acquire} without the renewing thread (tests renew by hand). */
    static LeaseInstanceLock take(LakeStorage storage, String job, Instant since, Supplier<Instant> clock, Consumer<String> warn) {
        requireNonNull(storage, "storage is null");
        requireNonNull(since, "since is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(warn, "warn is null");
        Sink.InstanceLock.checkJob(job);
        String key = "." + job + ".lock";
        Lease mine = new Lease(host(), bootId(), pidNamespace(), ProcessHandle.current().pid(), UUID.randomUUID().toString(), since,
                clock.get().plus(TTL), false);
        for (int attempt = 0; attempt < 5; attempt++) {
            // whether a write reported success is not what decides: an SDK retry of a write that landed answers 412.
            // What decides is whose token the object holds when read back.
            storage.putIfAbsent(key, mine.bytes());
            Optional<LakeStorage.Versioned> current = storage.getVersioned(key);
            if (current.isEmpty()) {
                continue; // released and removed in between: try again
            }
            Optional<Lease> held = Lease.parse(current.get().bytes());
            if (held.isPresent() && held.get().token().equals(mine.token())) {
                return new LeaseInstanceLock(storage, key, clock, warn, mine, current.get().version());
            }
            if (held.isEmpty()) {
                throw new IngestException(ErrorKind.USAGE, "Cannot tell whether " + job + " is running on " + storage.describe() + ": " + key
                        + " is not a lease; if no " + job + " runs there, delete it");
            }
            if (!isOver(held.get(), clock.get())) {
                throw new IngestException(ErrorKind.USAGE, job + " is already running (" + held.get().describe() + "; host " + held.get().host()
                        + ", lease until " + held.get().expires() + ") on " + storage.describe() + "; stop it first");
            }
            storage.replaceIfUnchanged(key, mine.bytes(), current.get().version());
            // read back at the top of the loop: ours if the replace landed, else another process changed it: look again
        }
        throw new IngestException(ErrorKind.SINK, "Cannot take the " + job + " lease on " + storage.describe() + ": it kept changing under us; "
                + "another " + job + " is starting there");
    }

    /**
     * Released, expired, or held by a process that has died on this machine. The last needs the same host name,
     * the same boot id (two machines may share a host name: cloned VMs, "localhost") and the same process-id
     * namespace (two containers of one machine may share a host name; their pids mean different processes); where
     * the boot id or the namespace cannot be read, only expiry counts.
     */
    private static boolean isOver(Lease lease, Instant now) {
        if (lease.released() || !lease.expires().isAfter(now)) {
            return true;
        }
        return !UNKNOWN.equals(bootId()) && !UNKNOWN.equals(pidNamespace()) && lease.host().equals(host()) && lease.bootId().equals(bootId())
                && lease.pidNamespace().equals(pidNamespace()) && ProcessHandle.of(lease.pid()).map(process -> !process.isAlive()).orElse(true);
    }

    /** Linux's random id of this boot of this machine ({@code /proc/sys/kernel/random/boot_id}), or {@code none}. */
    static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        } catch (IOException | SecurityException e) {
            return UNKNOWN;
        }
    }

    /** Linux's {@code pid:[4026531836]} of this process, or {@code none} where there are no pid namespaces. */
    static String pidNamespace() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return UNKNOWN;
        }
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown-host");
        }
    }

    /**
     * Rewrites the lease as released. A refused write is read back: still ours under another version (an earlier
     * renewal landed unseen) is released with that version; another process's live lease is left alone, and said.
     */
    private void release() {
        byte[] released = mine.givenBack().bytes();
        if (storage.replaceIfUnchanged(key, released, version)) {
            return;
        }
        Optional<LakeStorage.Versioned> current = storage.getVersioned(key);
        Optional<Lease> held = current.flatMap(object -> Lease.parse(object.bytes()));
        if (held.isEmpty() || held.get().released()) {
            return;
        }
        if (held.get().token().equals(mine.token())) {
            storage.replaceIfUnchanged(key, released, current.get().version());
        } else {
            warn.accept("The instance lease " + key + " on " + storage.describe() + " had been taken over by another process (" + held.get().describe()
                    + ") before this one ended; it is left to that process");
        }
    }

    private void renewUntilClosed() {
        while (true) {
            try {
                Thread.sleep(RENEW_EVERY);
            } catch (InterruptedException e) {
                return;
            }
            if (!renew()) {
                return;
            }
        }
    }

    /**
     * Pushes the expiry {@link #TTL} ahead; false once the lease is closed or lost (then no renewal helps). An S3
     * error is reported and leaves the lease as it was, for the next renewal.
     */
    boolean renew() {
        lock.lock();
        try {
            if (closed || lost != null) {
                return false;
            }
            Lease renewed = mine.renewed(clock.get().plus(TTL));
            try {
                // the answer alone does not decide (an SDK retry of a write that landed answers 412): the read-back does.
                // A second attempt covers a version we missed (an earlier renewal landed but its read-back failed).
                for (int attempt = 0; attempt < 2; attempt++) {
                    storage.replaceIfUnchanged(key, renewed.bytes(), version);
                    Optional<LakeStorage.Versioned> current = storage.getVersioned(key);
                    Optional<Lease> held = current.flatMap(object -> Lease.parse(object.bytes()));
                    if (held.isEmpty() || !held.get().token().equals(mine.token())) {
                        lost = "the instance lease " + key + " on " + storage.describe() + " was taken over by another process ("
                                + held.map(Lease::describe).orElse("an unreadable lease") + ", which judged ours expired)";
                        warn.accept(lost + "; stopping this one");
                        return false;
                    }
                    mine = held.get();
                    version = current.get().version();
                    if (mine.expires().equals(renewed.expires())) {
                        return true;
                    }
                }
                return true; // still ours; the expiry moves at the next renewal
            } catch (IngestException e) {
                warn.accept("Cannot renew the instance lease " + key + " on " + storage.describe() + " (retrying in " + RENEW_EVERY.toSeconds() + " s): "
                        + e.getMessage());
                return true;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Why the lease is no longer ours, once another process took it over. Never blocks. */
    @Override
    public Optional<String> lost() {
        return Optional.ofNullable(lost);
    }

    @Override
    public String holder() {
        return mine.describe();
    }

    @Override
    public void close() {
        renewer.interrupt(); // first: a renewal stuck in S3 retries is cut short instead of holding the lock
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (lost == null) {
                try {
                    release();
                } catch (RuntimeException e) {
                    warn.accept("Cannot release the instance lease " + key + " on " + storage.describe() + " (it expires by itself within "
                            + TTL.toMinutes() + " min): " + e.getMessage());
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
