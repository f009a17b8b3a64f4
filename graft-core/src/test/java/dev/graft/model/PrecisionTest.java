package dev.graft.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parsing precisions and what {@code auto} picks on CPUs with and without native bfloat16. */
class PrecisionTest {

    private static final CpuFeatures BF16_CPU = new CpuFeatures(Set.of("avx2", "avx512f", "avx512_bf16"));
    private static final CpuFeatures PLAIN_CPU = new CpuFeatures(Set.of("avx2", "avx512f"));

    @Test
    void parsesNamesInAnyCase() {
        assertEquals(Precision.FP32, Precision.parse("fp32", PLAIN_CPU));
        assertEquals(Precision.BF16, Precision.parse("BF16", PLAIN_CPU));
        assertEquals(Precision.BF16, Precision.parse(" bfloat16 ", PLAIN_CPU));
        assertEquals("bf16", Precision.BF16.key());
        assertEquals("fp32", Precision.FP32.key());
    }

    @Test
    void autoIsBf16OnlyWithNativeBf16() {
        assertEquals(Precision.BF16, Precision.parse("auto", BF16_CPU));
        assertEquals(Precision.FP32, Precision.parse("auto", PLAIN_CPU));
        assertEquals(Precision.BF16, Precision.auto(new CpuFeatures(Set.of("amx_bf16"))));
        assertEquals(Precision.FP32, Precision.auto(new CpuFeatures(Set.of())));
        assertTrue(new CpuFeatures(Set.of("amx_bf16", "avx512_bf16")).amxBf16());
        assertFalse(new CpuFeatures(Set.of("avx512_bf16")).amxBf16(), "AVX512_BF16 alone is not AMX");
    }

    @Test
    void bf16ByNameIsNotAuto() {
        assertTrue(Precision.namesBf16(" BF16 "));
        assertTrue(Precision.namesBf16("bfloat16"));
        assertFalse(Precision.namesBf16("auto"));
        assertFalse(Precision.namesBf16("fp32"));
        assertTrue(Precision.isAuto(" Auto "));
        assertFalse(Precision.isAuto(null));
        assertThrows(IllegalArgumentException.class, () -> Precision.namesBf16("fp16"));
    }

    @Test
    void unknownValueIsRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp16", BF16_CPU));
        assertTrue(e.getMessage().contains("'fp16'") && e.getMessage().contains("fp32, bf16 or auto"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Precision.parse(null, BF16_CPU));
    }

    @Test
    void readsTheFlagsLineOfProcCpuinfo() {
        String cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx512f avx512_bf16 avx512_vnni\n"
                + "bogomips\t: 4792.80\n\nprocessor\t: 1\nflags\t\t: fpu\n";
        CpuFeatures f = CpuFeatures.parse(cpuinfo);
        assertTrue(f.flags().contains("avx512_vnni"));
        assertTrue(f.nativeBf16());
        assertFalse(CpuFeatures.parse("processor : 0\nflags : fpu sse2 avx2\n").nativeBf16());
        assertFalse(CpuFeatures.parse("").nativeBf16(), "no cpuinfo (another OS): no native bf16 known");
    }

    @Test
    void namesTheBf16FlagsThatAutoReads() {
        assertEquals("amx_bf16,avx512_bf16", new CpuFeatures(Set.of("avx512f", "avx512_bf16", "amx_bf16")).bf16Flags());
        assertEquals("avx512_bf16", BF16_CPU.bf16Flags());
        assertEquals("none", PLAIN_CPU.bf16Flags());
    }
}
