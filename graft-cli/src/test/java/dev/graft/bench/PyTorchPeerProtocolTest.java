package dev.graft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.text.TokenBatch;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conversation between the bench and its PyTorch peer, against a fake python (a shell script): the environment
 * probe, the ready line, one request per Graft epoch with its batches and whether it is recorded, and the final result.
 */
class PyTorchPeerProtocolTest {

    private static final BertConfig MINILM = new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12, 0);

    /**
     * Answers like torch_env.py and torch_step.py --serve. The final result has one repetition per request marked
     * {@code "record":true}, each taking 0.1 s per padded token of its first batch, so the test sees what the bench sent.
     */
    private static final String FAKE = """
            #!/bin/sh
            case "$1" in
              *torch_env.py)
                echo "GRAFT-TORCH-ENV {\\"torch_version\\": \\"9.9\\", \\"sgemm_provider\\": \\"/usr/lib/blas/libblas.so.3\\", \\
            \\"env\\": {\\"OMP_WAIT_POLICY\\": \\"$OMP_WAIT_POLICY\\", \\"OMP_NUM_THREADS\\": \\"$OMP_NUM_THREADS\\"}}" ;;
              *torch_step.py)
                [ "$3" = "--serve" ] || exit 3
                grep -q '"blas_threads"' "$2" || exit 4
                echo "loading weights"
                echo GRAFT-TORCH-READY
                reps=""
                while read -r line; do
                  case "$line" in *'"end"'*) break ;; esac
                  case "$line" in *'"record":true'*)
                    len=$(echo "$line" | sed 's/.*"length":\\([0-9]*\\).*/\\1/')
                    reps="$reps${reps:+, }$len" ;;
                  esac
                  echo "GRAFT-TORCH-REP {\\"seconds\\": {}}"
                done
                echo "GRAFT-TORCH {\\"torch_version\\": \\"9.9\\", \\"configs\\": {\\"t1-blas1\\": {\\"threads\\": 1, \\
            \\"blas_threads\\": 1, \\"rep_seconds\\": [$reps]}}}" ;;
            esac
            """;

    @Test
    void theBenchDrivesThePeerOneRepetitionPerEpoch(@TempDir Path dir) throws Exception {
        Path python = dir.resolve("python3");
        Files.writeString(python, FAKE);
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));
        BenchSettings s = new BenchSettings(true, 1, 1, 2, dir, null, dir, python.toString(), false, 1, 1, Set.of("ft"));
        BenchReport report = new BenchReport();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (PyTorchPeer peer = new PyTorchPeer(s, report, new PrintStream(log, true, StandardCharsets.UTF_8))) {
            assertTrue(peer.start(dir, MINILM, 4, 0.1), log.toString(StandardCharsets.UTF_8));
            for (int rep = 0; rep < 3; rep++) {
                int length = 5 + rep; // the recorded repetitions report their batch's padded length as seconds
                TokenBatch b = new TokenBatch(1, length, new long[length], new long[length], new long[length]);
                peer.rep(rep, rep >= 1, List.of(b), List.of(new long[] {2}));
            }
            peer.finish(1, 0);
        }
        assertEquals(List.of(6.0, 7.0), report.measurement("ft.pytorch").seconds(), "warm-up not recorded, each epoch's batches sent");
        JsonNode peer = report.toJson().path("details").path("peer");
        assertEquals("t1-blas1", peer.path("fastest").asText());
        assertEquals("reference", peer.path("environment").path("blas_kind").asText());
        assertTrue(peer.path("warning").asText().contains("reference BLAS"));
        assertEquals("1", peer.path("environment").path("env").path("OMP_NUM_THREADS").asText());
        assertFalse(peer.path("environment").path("env").path("OMP_WAIT_POLICY").asText().isEmpty(),
                "the peer runs with an explicit OpenMP wait policy");
        assertTrue(report.toJson().path("not_available").isEmpty());
    }

    @Test
    void aPeerThatDiesIsReportedAndNotAskedAgain(@TempDir Path dir) throws Exception {
        Path python = dir.resolve("python3");
        Files.writeString(python, "#!/bin/sh\ncase \"$1\" in *torch_step.py) echo GRAFT-TORCH-READY; read -r line;"
                + " echo 'Segmentation fault'; exit 139 ;; esac\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));
        BenchSettings s = new BenchSettings(true, 1, 0, 1, dir, null, dir, python.toString(), false, 1, 1, Set.of("ft"));
        BenchReport report = new BenchReport();
        try (PyTorchPeer peer = new PyTorchPeer(s, report, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            assertTrue(peer.start(dir, MINILM, 4, 0.1));
            TokenBatch b = new TokenBatch(1, 3, new long[3], new long[3], new long[3]);
            peer.rep(0, true, List.of(b), List.of(new long[] {1}));
            peer.rep(1, true, List.of(b), List.of(new long[] {1}));
            peer.finish(1, 0);
        }
        assertNull(report.measurement("ft.pytorch"));
        String why = report.toJson().path("not_available").path("ft.pytorch").asText();
        assertTrue(why.contains("Segmentation fault"), why);
        assertTrue(report.toJson().path("not_available").has("peer.environment"), "the probe printed nothing");
    }

    @Test
    void thePeerRunsWithGraftsWaitPolicyAndSpinCount() {
        assertEquals(Map.of("OMP_NUM_THREADS", "2", "MKL_NUM_THREADS", "2", "OPENBLAS_NUM_THREADS", "2",
                "OMP_WAIT_POLICY", "PASSIVE", "GOMP_SPINCOUNT", "2000"),
                PyTorchPeer.childEnv(2, Map.of("GOMP_SPINCOUNT", "2000", "HOME", "/root")));
        assertEquals(Map.of("OMP_NUM_THREADS", "1", "MKL_NUM_THREADS", "1", "OPENBLAS_NUM_THREADS", "1",
                "OMP_WAIT_POLICY", "ACTIVE"), PyTorchPeer.childEnv(1, Map.of("OMP_WAIT_POLICY", "ACTIVE")));
    }
}
