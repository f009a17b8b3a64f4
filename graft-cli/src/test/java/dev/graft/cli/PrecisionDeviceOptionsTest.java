package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import dev.graft.model.CpuFeatures;
import dev.graft.model.Precision;
import dev.graft.strategy.FineTuneConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import dev.graft.util.Arguments;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --precision} reaches the fine-tuning settings; {@code --device} is checked against the GPUs the engine sees. */
class PrecisionDeviceOptionsTest {

    /** The command line's flag names, as {@code GraftCli} installs them (not left to whichever test ran before). */
    @BeforeAll
    static void flagNames() {
        Arguments.setNaming(FlagNames::flag);
    }

    private static TrainCommand parsed(String strategy, String... options) {
        TrainCommand cmd = new TrainCommand();
        String[] args = new String[options.length + 6];
        System.arraycopy(new String[] {"--train", "data", "--out", "model", "--strategy", strategy}, 0, args, 0, 6);
        System.arraycopy(options, 0, args, 6, options.length);
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    private static FineTuneConfig config(String... options) {
        return parsed("fine-tune", options).options.fineTuneConfig();
    }

    @Test
    void autoIsTheDefaultAndTheResolvedPrecisionIsRecorded() {
        Precision here = Precision.auto(CpuFeatures.current());
        assertEquals(here, config().precision(), "the CLI's default is auto");
        assertEquals(here.key(), config().describe().get("precision"));
        assertEquals(here, dev.graft.run.TrainingRequest.of(java.nio.file.Path.of("data")).fineTuneConfig().precision(),
                "a Java caller's request resolves auto too");
        assertEquals(Precision.FP32, config("--precision", "fp32").precision());
        assertEquals(Precision.FP32, FineTuneConfig.defaults().precision(), "the building block stays explicit: fp32");
    }

    @Test
    void autoKeepsQuestionAnsweringInFp32AndTokenTaggingFollowsTheCpu() {
        assertEquals(Precision.FP32, parsed("fine-tune", "--task", "qa").options.request().precisionValue(),
                "bf16 is unmeasured for QA: auto stays fp32");
        assertEquals(Precision.BF16, parsed("fine-tune", "--task", "qa", "--precision", "bf16").options.request().precisionValue());
        assertEquals(Precision.auto(CpuFeatures.current()), parsed("fine-tune", "--task", "ner").options.request().precisionValue());
    }

    @Test
    void bf16AndAutoReachTheConfig() {
        assertEquals(Precision.BF16, config("--precision", "bf16").precision());
        assertEquals("bf16", config("--precision", "bf16").describe().get("precision"));
        assertEquals(Precision.auto(CpuFeatures.current()), config("--precision", "auto").precision());
        assertEquals(Precision.BF16, parsed("lora", "--precision", "bf16").options.fineTuning().config().precision());
    }

    @Test
    void imageFineTuningTakesBf16ByNameAndStaysFp32OnAuto() {
        assertEquals(Precision.BF16, parsed("fine-tune", "--precision", "bf16").options.request().imageFineTuneConfig().precision());
        assertEquals(Precision.FP32, parsed("fine-tune", "--precision", "auto").options.request().imageFineTuneConfig().precision());
        assertEquals(Precision.FP32, parsed("fine-tune").options.request().imageFineTuneConfig().precision());
    }

    @Test
    void unknownPrecisionNamesTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config("--precision", "fp16"));
        assertTrue(e.getMessage().contains("fp32, bf16 or auto"), e.getMessage());
    }

    @Test
    void textFeatureExtractionTakesBf16ByNameAndOnAutoWhereTheCpuHasAmx() {
        assertDoesNotThrow(() -> parsed("feature-extraction", "--precision", "bf16").options.fineTune());
        assertEquals(Precision.BF16, parsed("feature-extraction", "--precision", "bf16").options.request().featureExtractionConfig()
                .frozenPrecision());
        assertEquals("bf16", parsed("feature-extraction", "--precision", "bf16").options.request().featureExtractionConfig()
                .describe().get("frozen_precision"));
        assertEquals(CpuFeatures.current().amxBf16() ? Precision.BF16 : Precision.FP32,
                parsed("feature-extraction", "--precision", "auto").options.request().featureExtractionConfig().frozenPrecision(),
                "auto: bf16 where the CPU has AMX");
        assertEquals(parsed("feature-extraction", "--precision", "auto").options.request().featureExtractionConfig().frozenPrecision(),
                parsed("feature-extraction").options.request().featureExtractionConfig().frozenPrecision(), "the default is auto");
        assertEquals(Precision.FP32, parsed("feature-extraction", "--precision", "fp32").options.request().featureExtractionConfig()
                .frozenPrecision());
    }

    @Test
    void aPoolingOnlyOnnxRuntimeComputesKeepsAutoInFp32AndRefusesBf16() {
        // --pooling belongs to graft train, which sets it on the request
        assertEquals(Precision.FP32, parsed("feature-extraction").options.request().pooling("cls+mean").frozenTextPrecision());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parsed("feature-extraction", "--precision", "bf16").options.request().pooling("mean-last-4")
                        .frozenTextPrecision());
        assertTrue(e.getMessage().contains("--pooling mean-last-4 is computed only by the frozen encoder on ONNX Runtime")
                && e.getMessage().contains("--precision bf16"), e.getMessage());
    }

    @Test
    void bf16IsRefusedWhereItCannotApply() {
        IllegalArgumentException seg = assertThrows(IllegalArgumentException.class,
                () -> parsed("fine-tune", "--precision", "bf16").options.refuseBf16ForSegmentation());
        assertTrue(seg.getMessage().contains("--precision bf16 applies to text encoders and to MobileNetV2")
                && seg.getMessage().contains("segmentation trains in fp32"), seg.getMessage());
        assertDoesNotThrow(() -> parsed("fine-tune", "--precision", "auto").options.refuseBf16ForSegmentation());
    }

    @Test
    void deviceCpuAndAutoTrainHereCudaIsAClearErrorWithoutAGpu() {
        Assumptions.assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "a CUDA build of libtorch is loaded");
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(notes, true, StandardCharsets.UTF_8);
        parsed("fine-tune").options.checkDevice(err);
        parsed("fine-tune", "--device", "auto").options.checkDevice(err);
        assertEquals("", notes.toString(StandardCharsets.UTF_8), "no GPU: auto is the CPU without a note");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parsed("fine-tune", "--device", "cuda").options.checkDevice(err));
        assertTrue(e.getMessage().contains("sees no GPU"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parsed("fine-tune", "--device", "tpu").options.checkDevice(err));
    }
}
