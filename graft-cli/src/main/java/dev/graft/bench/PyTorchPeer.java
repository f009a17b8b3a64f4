package dev.graft.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.model.CpuFeatures;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.text.TokenBatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PyTorch peer of the fine-tune step: the same MiniLM weights and the same padded batches as
 * Graft's learner, trained in PyTorch eager mode by a Python script, under several thread
 * configurations in one process. The process stays up during Graft's loop and runs one repetition
 * after each of Graft's epochs, on that epoch's batches (Graft, peer, Graft, peer: both see the same
 * machine load); each repetition runs every configuration on the same batches, in alternating order. The peer's environment (versions, BLAS, OpenMP, threads, environment
 * variables) is probed and recorded, every configuration is reported, and {@code ft.pytorch} is
 * the fastest float32 one: Graft is compared with the strongest peer this machine has. Where the CPU computes bfloat16
 * products natively, the peer also runs under {@code torch.autocast("cpu", dtype=torch.bfloat16)}, PyTorch's own mixed
 * precision, reported as {@code ft.pytorch.bf16} for the comparison with Graft's {@code --precision bf16} step.
 */
final class PyTorchPeer implements AutoCloseable {

    /** Prefix of the step script's result line. */
    static final String PREFIX = "GRAFT-TORCH ";
    private static final String READY = "GRAFT-TORCH-READY";
    private static final String REP_PREFIX = "GRAFT-TORCH-REP ";
    /** Key of the fastest float32 configuration's measurement, the one the ratio uses. */
    static final String FASTEST = "ft.pytorch";
    /** Key of the fastest autocast-bfloat16 configuration's measurement. */
    static final String FASTEST_BF16 = "ft.pytorch.bf16";
    /** Rows of the fastest configuration's per-operator profile. */
    static final int PROFILE_ROWS = 15;
    private static final int TIMEOUT_SECONDS = 900;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One way to run the peer.
     *
     * @param name        key suffix, e.g. {@code t2-blas1}
     * @param threads     PyTorch intra-op threads ({@code torch.set_num_threads})
     * @param blasThreads threads of the loaded BLAS itself (OpenBLAS or BLIS; ignored by other BLAS libraries)
     * @param mkldnn      whether oneDNN kernels are enabled ({@code torch.backends.mkldnn.enabled})
     * @param bf16        whether the forward pass and loss run under {@code torch.autocast("cpu", dtype=torch.bfloat16)}
     */
    record Config(String name, int threads, int blasThreads, boolean mkldnn, boolean bf16) {

        /** A float32 configuration. */
        Config(String name, int threads, int blasThreads, boolean mkldnn) {
            this(name, threads, blasThreads, mkldnn, false);
        }
    }

    /**
     * The configurations timed with {@code threads} threads: all threads for PyTorch and its BLAS (what a user gets with
     * {@code OMP_NUM_THREADS} set), all threads for PyTorch with a one-thread BLAS (no second thread pool competing for
     * the cores), and one thread; with one thread, only the last. With {@code nativeBf16} (the CPU computes bfloat16
     * products natively, as Graft's {@code --precision auto} asks), also autocast bfloat16 on all threads, with a
     * one-thread BLAS (oneDNN computes its products).
     */
    static List<Config> configs(int threads, boolean nativeBf16) {
        List<Config> out = new ArrayList<>();
        if (threads > 1) {
            out.add(new Config("t" + threads + "-blas" + threads, threads, threads, true));
            out.add(new Config("t" + threads + "-blas1", threads, 1, true));
        }
        out.add(new Config("t1-blas1", 1, 1, true));
        if (nativeBf16) {
            out.add(new Config("t" + threads + "-bf16", threads, 1, true, true));
        }
        return out;
    }

    private final BenchSettings s;
    private final BenchReport report;
    private final PrintStream log;
    private LineProcess process;

    PyTorchPeer(BenchSettings s, BenchReport report, PrintStream log) {
        this.s = s;
        this.report = report;
        this.log = log;
    }

    /**
     * The environment every peer process gets: thread counts for OpenMP, MKL and OpenBLAS, and the OpenMP wait policy
     * and spin count Graft's libtorch runs with ({@code bin/graft} sets {@code PASSIVE} and {@code GOMP_SPINCOUNT=2000};
     * PASSIVE unless set, the spin count only when set). With OpenMP's default spinning, idle workers compete with the
     * working ones: on a loaded 2-core machine PyTorch's 2-thread step took 19.8 s against 2.1 s with PASSIVE (see the
     * README).
     */
    Map<String, String> childEnv() {
        return childEnv(s.threads(), System.getenv());
    }

    /** {@link #childEnv()} for {@code threads} threads, taking the wait policy and spin count from {@code env}. */
    static Map<String, String> childEnv(int threads, Map<String, String> env) {
        String t = Integer.toString(threads);
        Map<String, String> child = new LinkedHashMap<>(Map.of("OMP_NUM_THREADS", t, "MKL_NUM_THREADS", t,
                "OPENBLAS_NUM_THREADS", t, "OMP_WAIT_POLICY", env.getOrDefault("OMP_WAIT_POLICY", "PASSIVE")));
        String spin = env.get("GOMP_SPINCOUNT");
        if (spin != null) {
            child.put("GOMP_SPINCOUNT", spin);
        }
        return child;
    }

    /**
     * Probes the peer's environment and starts its process with the pretrained weights, before Graft's loop runs;
     * false, with the reason recorded, when there is no peer.
     *
     * @param weights the folder {@link BertBackbone#save} wrote the pretrained weights to
     * @param bert    the encoder's configuration
     * @param classes number of labels
     * @param dropout the encoder's dropout
     */
    boolean start(Path weights, BertConfig bert, int classes, double dropout) throws IOException {
        if (s.python() == null) {
            report.notAvailable(FASTEST, "no python3 with torch (tried /usr/bin/python3 and python3; apt-get install python3-torch,"
                    + " or pass --python, see the README's Benchmarks section)");
            log.println("[bench] PyTorch: not available");
            return false;
        }
        ChildProcess.Result env = PeerEnvironment.probe(s.python(), childEnv(), s.workDir());
        if (env.json() != null) {
            Map<String, Object> summary = PeerEnvironment.summary(env.json());
            report.detail("peer", "environment", summary);
            log.printf("[bench] PyTorch peer: torch %s, sgemm from %s (%s), default threads %s%n", summary.get("torch_version"),
                    summary.get("sgemm_provider"), summary.get("blas_kind"), summary.get("default_intra_op_threads"));
            String warning = PeerEnvironment.weakBlasWarning(summary);
            if (warning != null) {
                report.detail("peer", "warning", warning);
                log.println("[bench] warning: " + warning);
            }
        } else {
            report.notAvailable("peer.environment", "the environment probe failed: " + env.tail());
        }
        ObjectNode job = JSON.createObjectNode();
        job.put("weights", weights.resolve(BertBackbone.WEIGHTS_FILE).toString());
        job.put("heads", bert.numHeads());
        job.put("layer_norm_eps", bert.layerNormEps());
        job.put("classes", classes);
        job.put("threads", s.threads());
        job.put("dropout", dropout);
        job.put("profile_rows", PROFILE_ROWS);
        ArrayNode cs = job.putArray("configs");
        for (Config c : configs(s.threads(), CpuFeatures.current().nativeBf16())) {
            ObjectNode o = cs.addObject().put("name", c.name()).put("threads", c.threads()).put("blas_threads", c.blasThreads())
                    .put("mkldnn", c.mkldnn());
            if (c.bf16()) {
                o.put("autocast", "bf16");
            }
        }
        Path jobFile = s.workDir().resolve("pytorch-job.json");
        JSON.writeValue(jobFile.toFile(), job);
        for (String name : List.of("torch_step.py", "torch_env.py")) { // the step script imports the probe's helpers
            try (InputStream in = PyTorchPeer.class.getResourceAsStream(name)) {
                Files.copy(in, s.workDir().resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try {
            process = LineProcess.start(List.of(s.python(), s.workDir().resolve("torch_step.py").toString(), jobFile.toString(),
                    "--serve"), childEnv());
            process.await(READY, TIMEOUT_SECONDS);
            return true;
        } catch (IOException e) {
            fail("the PyTorch script did not start: " + e.getMessage());
            return false;
        }
    }

    /**
     * Runs every configuration once on {@code batches} (Graft's batches of one epoch), in the peer, between Graft's own
     * epochs; recorded unless {@code record} is false (warm-up). After a failure the peer is not asked again.
     */
    void rep(int rep, boolean record, List<TokenBatch> batches, List<long[]> labels) {
        if (process == null) {
            return;
        }
        ObjectNode msg = JSON.createObjectNode();
        msg.put("rep", rep);
        msg.put("record", record);
        ArrayNode arr = msg.putArray("batches");
        for (int k = 0; k < batches.size(); k++) {
            TokenBatch b = batches.get(k);
            ObjectNode o = arr.addObject();
            o.put("size", b.size());
            o.put("length", b.length());
            ArrayNode ids = o.putArray("input_ids");
            for (long v : b.inputIds()) {
                ids.add(v);
            }
            ArrayNode mask = o.putArray("attention_mask");
            for (long v : b.attentionMask()) {
                mask.add(v);
            }
            ArrayNode y = o.putArray("labels");
            for (long v : labels.get(k)) {
                y.add(v);
            }
        }
        try {
            process.send(JSON.writeValueAsString(msg));
            process.await(REP_PREFIX, TIMEOUT_SECONDS);
        } catch (IOException e) {
            fail("the PyTorch script failed: " + e.getMessage());
        }
    }

    /** Ends the peer and records its configurations (see {@link #record}); nothing when it did not run. */
    void finish(int stepsPerRep, double flopsPerRep) {
        if (process == null) {
            return;
        }
        try {
            process.send("{\"end\": true}");
            JsonNode result = JSON.readTree(process.await(PREFIX, TIMEOUT_SECONDS));
            Measurement fastest = record(report, result, stepsPerRep, flopsPerRep);
            log.printf("[bench] PyTorch %s step %.0f ms (%s)%n", result.path("torch_version").asText(),
                    1000 * fastest.secondsPerUnit(), report.measurement(FASTEST).description());
            Measurement bf16 = report.measurement(FASTEST_BF16);
            if (bf16 != null) {
                log.printf("[bench] PyTorch under autocast bfloat16: step %.0f ms%n", 1000 * bf16.secondsPerUnit());
            }
        } catch (IOException | RuntimeException e) {
            fail("the PyTorch script failed: " + e.getMessage());
        } finally {
            close();
        }
    }

    /** Ends the peer's process, if it runs. */
    @Override
    public void close() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    private void fail(String why) {
        report.notAvailable(FASTEST, why);
        log.println("[bench] " + why);
        close();
    }

    /**
     * Adds one measurement per configuration of the script's result ({@code ft.pytorch.<name>}), the fastest float32
     * one again as {@link #FASTEST} and the fastest autocast-bfloat16 one, if any ran, as {@link #FASTEST_BF16}, with
     * the configurations and the profile as details; returns the fastest float32 one.
     */
    static Measurement record(BenchReport report, JsonNode result, int stepsPerRep, double flopsPerRep) {
        String version = result.path("torch_version").asText();
        List<Measurement> fp32 = new ArrayList<>();
        List<Measurement> bf16 = new ArrayList<>();
        Map<String, Object> configs = new LinkedHashMap<>();
        result.path("configs").fields().forEachRemaining(e -> {
            JsonNode c = e.getValue();
            List<Double> reps = new ArrayList<>();
            c.path("rep_seconds").forEach(x -> reps.add(x.asDouble()));
            if (reps.isEmpty()) {
                return; // a configuration this torch cannot run (autocast on CPU before 1.10)
            }
            boolean autocast = "bf16".equals(c.path("autocast").asText(null));
            Measurement m = new Measurement(FASTEST + "." + e.getKey(), "PyTorch " + version + " eager, " + describe(c),
                    "steps", stepsPerRep, flopsPerRep, reps);
            report.add(m);
            (autocast ? bf16 : fp32).add(m);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("threads", c.path("threads").asInt());
            o.put("blas_threads", c.path("blas_threads").asInt());
            o.put("mkldnn", c.path("mkldnn").asBoolean(true));
            o.put("autocast", autocast ? "bf16" : "none");
            o.put("median_ms_per_step", 1000 * m.secondsPerUnit());
            configs.put(e.getKey(), o);
        });
        if (fp32.isEmpty()) {
            throw new IllegalStateException("the PyTorch script reported no float32 configuration");
        }
        Measurement fastest = fastest(report, fp32, FASTEST, "fastest PyTorch peer: ");
        String name = fastest.name().substring(FASTEST.length() + 1);
        if (!bf16.isEmpty()) {
            fastest(report, bf16, FASTEST_BF16, "fastest PyTorch peer under autocast bfloat16: ");
        }
        report.detail("peer", "torch_version", version);
        report.detail("peer", "blas_thread_control", result.path("blas_thread_control").asBoolean(false));
        report.detail("peer", "sgemm_provider", result.path("sgemm_provider").asText(null));
        report.detail("peer", "configs", configs);
        report.detail("peer", "fastest", name);
        JsonNode profile = result.path("profile");
        if (profile.isObject() && profile.size() > 0) {
            report.detail("peer", "profile", JSON.convertValue(profile, Map.class));
        }
        return fastest;
    }

    /** The fastest of {@code candidates}, added again under {@code key}. */
    private static Measurement fastest(BenchReport report, List<Measurement> candidates, String key, String description) {
        Measurement f = candidates.stream().min(Comparator.comparingDouble(Measurement::medianSeconds)).orElseThrow();
        report.add(new Measurement(key, description + f.name().substring(FASTEST.length() + 1), f.workUnit(), f.workPerRep(),
                f.flopsPerRep(), f.seconds()));
        return f;
    }

    private static String describe(JsonNode c) {
        return c.path("threads").asInt() + " intra-op threads, BLAS " + c.path("blas_threads").asInt()
                + (c.path("mkldnn").asBoolean(true) ? "" : ", oneDNN off")
                + ("bf16".equals(c.path("autocast").asText(null)) ? ", autocast bfloat16" : "");
    }
}
