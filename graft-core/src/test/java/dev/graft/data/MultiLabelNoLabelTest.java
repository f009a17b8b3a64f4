package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.task.Targets;
import dev.graft.task.TaskOptions;
import dev.graft.task.Tasks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-label row whose label cell is empty is an example where no label applies (every label negative), not a
 * missing value; for single-label data an empty label stays an error.
 */
class MultiLabelNoLabelTest {

    @TempDir
    Path dir;

    private Path file() throws Exception {
        return Files.writeString(dir.resolve("emotions.csv"), """
                text,labels
                what a happy day,joy
                the bus leaves at nine,
                sad and angry at once,"sadness,anger"
                so much joy and some anger,"joy,anger"
                """, StandardCharsets.UTF_8);
    }

    private static DataOptions multiLabel() {
        return DataOptions.defaults().withTargets(TargetFormat.multiLabel(",", null));
    }

    @Test
    void anEmptyCellIsAnExampleWithNoLabel() throws Exception {
        TextDataset d = TextDataReader.read(file(), multiLabel());
        assertEquals(4, d.size());
        assertEquals(0, d.source().skippedRows());
        assertEquals(List.of(List.of("joy"), List.of(), List.of("sadness", "anger"), List.of("joy", "anger")),
                d.targetColumn().labelLists());
        assertEquals("", multiLabel().targets().strata(d.targetColumn())[1], "its own stratum");

        // encoded for training: every label negative
        DatasetSplits splits = Splits.withDatasets(d, d, null, 42);
        var task = Tasks.forTraining(splits, TaskOptions.defaults());
        Targets.LabelSets targets = (Targets.LabelSets) Tasks.targets(task, d);
        assertArrayEquals(new boolean[task.outputNames().size()], targets.labels()[1]);
        assertTrue(targets.labels()[2][task.outputNames().indexOf("sadness")] && targets.labels()[2][task.outputNames().indexOf("anger")]);
    }

    @Test
    void skippingEmptyLabelsStillDropsThem() throws Exception {
        TextDataset d = TextDataReader.read(file(), multiLabel().withSkipEmptyLabel(true));
        assertEquals(3, d.size());
        assertEquals(1, d.source().skippedRows());
    }

    @Test
    void aStrayOrSingleLabelEmptyCellIsStillRefused() throws Exception {
        DataException single = assertThrows(DataException.class, () -> TextDataReader.read(file(), DataOptions.defaults()));
        assertTrue(single.getMessage().contains("empty label") && single.getMessage().contains("line 3"), single.getMessage());
        Path stray = Files.writeString(dir.resolve("stray.csv"), "text,labels\nhappy,\"joy,,anger\"\n", StandardCharsets.UTF_8);
        DataException e = assertThrows(DataException.class, () -> TextDataReader.read(stray, multiLabel()));
        assertTrue(e.getMessage().contains("empty label between separators"), e.getMessage());
    }

    @Test
    void anImageCsvRowWithAnEmptyLabelCellIsAnImageWithNoLabel() throws Exception {
        for (String name : List.of("a.png", "b.png", "c.png")) {
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), "png",
                    dir.resolve(name).toFile());
        }
        Path csv = Files.writeString(dir.resolve("images.csv"), "path,labels\na.png,cat\nb.png,\nc.png,\"cat,dog\"\n",
                StandardCharsets.UTF_8);
        var images = dev.graft.data.image.ImageDataReader.read(csv, TargetFormat.multiLabel(",", null));
        assertEquals(List.of(List.of("cat"), List.of(), List.of("cat", "dog")), images.targetColumn().labelLists());
        DataException single = assertThrows(DataException.class, () -> dev.graft.data.image.ImageDataReader.read(csv));
        assertTrue(single.getMessage().contains("line 3") && single.getMessage().contains("empty label"), single.getMessage());
    }
}
