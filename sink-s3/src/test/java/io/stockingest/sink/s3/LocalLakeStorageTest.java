package io.stockingest.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLakeStorageTest extends AbstractLakeStorageTest {
    private static final String DIR = "raw/prices/symbol=AAPL/year=2024/month=01/";

    @TempDir
    Path root;

    @Override
    LakeStorage storage() {
        return new LocalLakeStorage(root);
    }

    /** The pid of a process that has ended. */
    private static long deadPid() throws Exception {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        assertThat(ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        return process.pid();
    }

    /** A temporary as this host's process {@code pid} names it, last modified {@code age} ago. */
    private Path temp(String file, long pid, Duration age) throws IOException {
        String ours = LocalLakeStorage.tempName(file); // .FILE.HOST-PID-RANDOM.tmp
        String host = ours.substring(file.length() + 2, file.length() + 10);
        return write(file + "." + host + "-" + pid + "-1a2b.tmp", age);
    }

    private Path write(String tempName, Duration age) throws IOException {
        Path path = root.resolve(DIR + (tempName.startsWith(".") ? tempName : "." + tempName));
        Files.createDirectories(path.getParent());
        Files.writeString(path, "half a parquet file", StandardCharsets.UTF_8);
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(age)));
        return path;
    }

    private List<String> filesOnDisk() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void listNamesSkipsTemporariesCleansStaleOnesAndListsAnAcceptedNameThatIsAFile() throws Exception {
        LocalLakeStorage storage = new LocalLakeStorage(root);
        storage.put(DIR + "AAPL-2024-01-02.parquet", new byte[] {1});
        Path live = temp("AAPL-2024-01-03.parquet", ProcessHandle.current().pid(), Duration.ZERO);
        Path stale = temp("AAPL-2024-01-04.parquet", deadPid(), Duration.ofHours(2));
        Files.writeString(root.resolve("raw/prices/symbol=AAPL/year=2024/month=02"), "a file where a folder would be");

        assertThat(storage.listNames("raw/prices/symbol=AAPL/", folder -> folder.startsWith("year=") || folder.startsWith("month=")))
                .containsExactlyInAnyOrder("raw/prices/symbol=AAPL/" + "year=2024/month=01/AAPL-2024-01-02.parquet", "raw/prices/symbol=AAPL/year=2024/month=02");
        assertThat(live).as("a live writer's temporary stays").exists();
        assertThat(stale).as("a temporary of a dead writer, older than this storage, is cleaned as list() does").doesNotExist();
    }

    @Test
    void temporaryNamesAreDotNamedEndInTmpAndNameTheWritingProcess() {
        String name = LocalLakeStorage.tempName("AAPL-2024-01-02.parquet");
        assertThat(name).startsWith(".AAPL-2024-01-02.parquet.").endsWith(".tmp").contains("-" + ProcessHandle.current().pid() + "-");
        assertThat(LocalLakeStorage.isTemporary(name)).isTrue();
        assertThat(LocalLakeStorage.isTemporary("AAPL-2024-01-02.parquet")).isFalse();
        assertThat(LocalLakeStorage.isTemporary("x.tmp")).as("any *.tmp").isTrue();
    }

    @Test
    void aRunDeletesTemporariesOfDeadWritersOnThisHostAndKeepsThoseOfLiveOnes() throws Exception {
        LocalLakeStorage writer = new LocalLakeStorage(root);
        assertThat(writer.putIfAbsent(DIR + "AAPL-2024-01-02.parquet", new byte[] {1, 2, 3})).isTrue();
        Path crashed = temp("AAPL-2024-01-03.parquet", deadPid(), Duration.ofSeconds(5));
        Path liveOther = temp("AAPL-2024-01-04.parquet", ProcessHandle.current().parent().orElseThrow().pid(), Duration.ofSeconds(5));
        Path liveSelf = temp("AAPL-2024-01-05.parquet", ProcessHandle.current().pid(), Duration.ofSeconds(5));

        LocalLakeStorage nextRun = new LocalLakeStorage(root);
        assertThat(nextRun.list("raw/prices/symbol=AAPL/")).as("temporaries are never listed")
                .containsExactly(DIR + "AAPL-2024-01-02.parquet");
        assertThat(crashed).as("its writer is gone").doesNotExist();
        assertThat(liveOther).as("a live writer may still link it").exists();
        assertThat(liveSelf).as("this process may be writing it").exists();
        assertThat(nextRun.get(DIR + "AAPL-2024-01-02.parquet")).containsExactly(1, 2, 3);
    }

    @Test
    void aTemporaryYoungerThanTheRunIsKeptEvenIfItsWriterIsGone() throws Exception {
        Instant runStart = Instant.now().minus(Duration.ofMinutes(1));
        Path younger = temp("AAPL-2024-01-03.parquet", deadPid(), Duration.ofSeconds(1));
        Path older = temp("AAPL-2024-01-04.parquet", deadPid(), Duration.ofMinutes(2));
        new LocalLakeStorage(root, runStart).list("raw/");
        assertThat(younger).exists();
        assertThat(older).doesNotExist();
    }

    @Test
    void anotherHostsTemporaryIsDeletedOnlyOnceOlderThanAnHour() throws Exception {
        Path young = write("AAPL-2024-01-03.parquet.0badf00d-42-77.tmp", Duration.ofMinutes(30));
        Path old = write("AAPL-2024-01-04.parquet.0badf00d-42-78.tmp", LocalLakeStorage.STALE_AFTER.plusMinutes(1));
        Path legacyYoung = write("AAPL-2024-01-05.parquet.tmp-0f8fad5b-d9cb-469f-a165-70867728950e", Duration.ofMinutes(30));
        Path legacyOld = write("AAPL-2024-01-08.parquet.tmp-7c9e6679-7425-40de-944b-e07fc1f90ae7", Duration.ofHours(3));
        Path notOurs = write(".keep", Duration.ofDays(10));

        assertThat(new LocalLakeStorage(root).list("raw/")).isEmpty();
        assertThat(young).as("a writer on another host may still link it").exists();
        assertThat(old).doesNotExist();
        assertThat(legacyYoung).exists();
        assertThat(legacyOld).doesNotExist();
        assertThat(notOurs).as("only our own temporaries are deleted").exists();
        assertThat(filesOnDisk()).containsExactlyInAnyOrder(young.getFileName().toString(), legacyYoung.getFileName().toString(), ".keep");
    }

    @Test
    void checkCreatesTheLakeAndLeavesNothingBehind() throws IOException {
        Path lake = root.resolve("new/lake");
        new LocalLakeStorage(lake).check();
        try (Stream<Path> inside = Files.list(lake)) {
            assertThat(inside).as("the probe is gone").isEmpty();
        }
    }

    @Test
    void checkRefusesAKernelFileSystemAndAFileInTheWay() throws IOException {
        Path file = Files.writeString(root.resolve("plain"), "x");
        assertThatThrownBy(() -> new LocalLakeStorage(Path.of("/proc/x")).check()).as("/proc")
                .isInstanceOfSatisfying(io.stockingest.core.IngestException.class, e -> assertThat(e.kind()).isEqualTo(io.stockingest.core.ErrorKind.CONFIG))
                .hasMessageContaining("proc file system");
        assertThatThrownBy(() -> new LocalLakeStorage(file.resolve("lake")).check()).as("a file where a directory is needed")
                .isInstanceOfSatisfying(io.stockingest.core.IngestException.class, e -> assertThat(e.kind()).isEqualTo(io.stockingest.core.ErrorKind.CONFIG))
                .hasMessageContaining(file.toString());
    }
}
