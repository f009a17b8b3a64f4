package dev.graft.model.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelCardTest {

    @Test
    void readsTheLicenceFromFrontMatter() {
        assertEquals(Optional.of("apache-2.0"), ModelCard.parse("---\nlanguage: en\nlicense: apache-2.0\n---\n# x").license());
        assertEquals(Optional.of("mit"), ModelCard.parse("---\r\ntags:\r\n- a\r\nlicense: \"mit\" # note\r\n---\r\n").license());
        assertEquals(Optional.of("cc-by-nc-4.0"), ModelCard.parse("---\nlicense:\n  - cc-by-nc-4.0\n---\n").license());
        assertEquals(Optional.of("cc-by-sa-4.0"), ModelCard.parse("---\nlicense: [cc-by-sa-4.0, mit]\n---\n").license());
        assertEquals(Optional.of("my-licence"),
                ModelCard.parse("---\nlicense: other\nlicense_name: my-licence\n---\n").license());
        assertEquals(Optional.empty(), ModelCard.parse("# no front matter\nlicense: mit\n").license());
        assertEquals(Optional.empty(), ModelCard.parse("---\nmodel-index:\n  license: x\n---\n").license());
    }

    @Test
    void flagsNonCommercialAndUnknownLicences() {
        assertEquals(Licenses.Status.PERMISSIVE, Licenses.status("apache-2.0"));
        assertEquals(Licenses.Status.PERMISSIVE, Licenses.status("cc-by-sa-4.0"));
        for (String nc : new String[] {"cc-by-nc-4.0", "cc-by-nc-sa-4.0", "CC-BY-NC-ND-3.0", "research-only"}) {
            assertEquals(Licenses.Status.NON_COMMERCIAL, Licenses.status(nc), nc);
        }
        assertEquals(Licenses.Status.UNKNOWN, Licenses.status(null));
        assertEquals(Licenses.Status.UNKNOWN, Licenses.status("other"));
        assertEquals(Optional.empty(), Licenses.trainingWarning("m", "mit"));
        String w = Licenses.trainingWarning("org/m", "cc-by-nc-4.0").orElseThrow();
        assertTrue(w.contains("'cc-by-nc-4.0'") && w.contains("commercial"), w);
        assertTrue(Licenses.trainingWarning("org/m", null).orElseThrow().contains("unknown"));
    }
}
