package io.stockingest.sink.s3;

import io.stockingest.lake.LakeLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.spi.Sink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One instance per local lake through {@link Sink#lockInstance}: an OS file lock the OS releases when its holder dies. */
class LakeInstanceLockTest {
    private static final Instant SINCE = Instant.parse("2024-09-30T13:30:00Z");

    @TempDir
    Path lake;

    private LakeSink sink() {
        return new LakeSink("parquet:" + lake, new LocalLakeStorage(lake), new LakeLayout("raw"));
    }

    @Test
    void aSecondClaimOnTheSameLakeIsRefusedWithTheHolder() {
        try (Sink first = sink(); Sink second = sink(); Sink.InstanceLock lock = first.lockInstance("watch", SINCE).orElseThrow()) {
            assertThat(lock.holder()).isEqualTo("pid " + ProcessHandle.current().pid() + ", since 2024-09-30T13:30:00Z");
            assertThat(lake.resolve(".watch.lock")).hasContent(lock.holder());
            assertThatThrownBy(() -> second.lockInstance("watch", Instant.parse("2024-09-30T14:00:00Z")))
                    .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USAGE))
                    .hasMessage("watch is already running (pid " + ProcessHandle.current().pid() + ", since 2024-09-30T13:30:00Z) on " + lake
                            + "; stop it first");
        }
    }

    @Test
    void aClosedClaimIsFreeAgainAndOtherJobsDoNotConflict() {
        try (Sink sink = sink()) {
            sink.lockInstance("watch", SINCE).orElseThrow().close();
            try (Sink.InstanceLock again = sink.lockInstance("watch", SINCE.plusSeconds(60)).orElseThrow();
                    Sink.InstanceLock other = sink.lockInstance("backfill", SINCE).orElseThrow()) {
                assertThat(again.holder()).endsWith("since 2024-09-30T13:31:00Z");
                assertThat(other.holder()).isNotNull();
            }
        }
    }

    @Test
    void aLockFileLeftByADeadProcessDoesNotBlock() throws Exception {
        Files.writeString(lake.resolve(".watch.lock"), "pid 999999, since 2024-01-01T00:00:00Z");
        try (Sink sink = sink(); Sink.InstanceLock lock = sink.lockInstance("watch", SINCE).orElseThrow()) {
            assertThat(lake.resolve(".watch.lock")).hasContent("pid " + ProcessHandle.current().pid() + ", since 2024-09-30T13:30:00Z");
        }
    }

    @Test
    void aKilledHolderProcessReleasesTheLock() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HoldLock.class.getName(), lake.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).as("the child took the lock").isEqualTo("locked");
            try (Sink sink = sink()) {
                assertThatThrownBy(() -> sink.lockInstance("watch", SINCE))
                        .hasMessageStartingWith("watch is already running (pid " + child.pid() + ", since 2024-09-30T13:00:00Z)");
                child.destroyForcibly();
                assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
                try (Sink.InstanceLock lock = sink.lockInstance("watch", SINCE).orElseThrow()) {
                    assertThat(lock.holder()).startsWith("pid " + ProcessHandle.current().pid());
                }
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aLakeThatIsNotLocalGetsTheLeaseLock() {
        S3LakeStorage remote = S3TestServer.storage(S3TestServer.newBucket(), "lake");
        LakeSink sink = new LakeSink(remote.describe(), remote, new LakeLayout("raw"));
        try (Sink.InstanceLock lock = sink.lockInstance("watch", SINCE).orElseThrow()) {
            assertThat(lock).isInstanceOf(LeaseInstanceLock.class);
            assertThat(lock.holder()).isEqualTo("pid " + ProcessHandle.current().pid() + ", since " + SINCE);
        }
    }

    /** A child process that takes the lake lock, says so, and waits to be killed. */
    public static final class HoldLock {
        public static void main(String[] args) throws Exception {
            LakeInstanceLock.acquire(Path.of(args[0]), "watch", Instant.parse("2024-09-30T13:00:00Z"));
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(2));
        }
    }
}
