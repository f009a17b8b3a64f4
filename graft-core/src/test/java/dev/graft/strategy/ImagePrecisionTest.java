package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.model.Precision;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.vision.ConvKernels;
import dev.graft.model.vision.EfficientNet;
import dev.graft.model.vision.EfficientNetSpec;
import dev.graft.model.vision.ImageClassifierModel;
import dev.graft.model.vision.MobileNetV2;
import dev.graft.model.vision.ResNet;
import dev.graft.model.vision.ResNetSpec;
import dev.graft.model.vision.VisionBackbone;
import dev.graft.model.vision.VisionModule;
import dev.graft.model.vision.seg.TinySpecs;
import org.junit.jupiter.api.Test;

/** Image fine-tuning's precision picks the convolution kernels: bf16 for MobileNetV2 only, fp32 fused for every CNN. */
class ImagePrecisionTest {

    private static ImageClassifierModel model(VisionModule backbone, NDManager m) {
        backbone.initialize(m);
        VisionBackbone b = (VisionBackbone) backbone;
        ClassifierHead head = new ClassifierHead(new HeadConfig(b.featureDim(), 2, 0, 0.0));
        head.initialize(m);
        return new ImageClassifierModel(b, head);
    }

    @Test
    void bf16RunsMobileNetV2InBfloat16AndFp32FusesIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImageClassifierModel model = model(new MobileNetV2(TinySpecs.mobileNetV2()), m);
            assertEquals(ConvKernels.FUSED_BF16, ImageTransfer.fastKernels(model, Precision.BF16).kernels());
            assertEquals(ConvKernels.FUSED, ImageTransfer.fastKernels(model, Precision.FP32).kernels());
        }
    }

    @Test
    void bf16IsRefusedForAResNetNamingThePrecisionArgument() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImageClassifierModel model = model(new ResNet(ResNetSpec.resnet18().withWidth(4)), m);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ImageTransfer.fastKernels(model, Precision.BF16));
            assertTrue(e.getMessage().contains("precision bf16 applies to text encoders and to MobileNetV2")
                    && e.getMessage().contains("resnet"), e.getMessage());
            assertEquals(ConvKernels.FUSED, ImageTransfer.fastKernels(model, Precision.FP32).kernels());
        }
    }

    @Test
    void anEfficientNetFineTunesWithTheFusedKernelsAndRefusesBf16() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImageClassifierModel model = model(new EfficientNet(EfficientNetSpec.b0()), m);
            assertEquals(ConvKernels.FUSED, ImageTransfer.fastKernels(model, Precision.FP32).kernels());
            assertThrows(IllegalArgumentException.class, () -> ImageTransfer.fastKernels(model, Precision.BF16));
        }
    }
}
