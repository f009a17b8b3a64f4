package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft predict --input FILE --output FILE}: every row of a CSV, TSV or JSON Lines file predicted, its columns kept
 * and the model's outputs added; bad rows named by file and line; an existing output never replaced.
 */
class CliPredictFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[][] TOPICS = {
            {"sports", "The team won the football match", "She scored a goal in the final minute", "The tennis player served an ace",
                    "Our basketball coach called a timeout", "The runner finished the marathon", "The goalkeeper saved a penalty",
                    "The cyclist won the mountain stage", "The boxer knocked out his opponent"},
            {"food", "I baked a chocolate cake for dessert", "This pasta sauce needs more garlic", "The soup is made with tomatoes",
                    "We ordered pizza with extra cheese", "The bread is warm from the oven", "He made pancakes with syrup",
                    "The curry was spicy and delicious", "Fry the onions until golden"},
            {"tech", "My laptop needs a software update", "The new phone has a faster processor", "The server crashed after the upgrade",
                    "The wifi router drops the connection", "Restart the computer to apply the patch", "The printer driver failed",
                    "He wrote a program in Java", "The hard drive is almost full"}};

    @TempDir
    static Path dir;
    private static Path model;

    @BeforeAll
    static void train() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String[] t : TOPICS) {
            for (int i = 1; i < t.length; i++) {
                rows.add(new String[] {t[i], t[0]});
            }
        }
        Path train = CliHarness.csv(dir, "train.csv", rows);
        model = dir.resolve("model");
        CliHarness.Result r = CliHarness.run("train", "--train", train.toString(), "--model", "minilm", "--strategy",
                "feature-extraction", "--out", model.toString(), "--epochs", "30", "--lr", "0.01", "--seed", "7",
                "--no-baseline", "--no-track", "-q");
        assertEquals(0, r.code(), r::toString);
    }

    private static List<CSVRecord> readCsv(Path file, CSVFormat format) throws IOException {
        return format.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(Files.readString(file))).getRecords();
    }

    @Test
    void aCsvKeepsEveryColumnAndGainsLabelScoreProbabilitiesAndTopK() throws Exception {
        Path in = Files.writeString(dir.resolve("tickets.csv"), "id,text,note\n"
                + "1,\"The striker scored twice, then the team won\",a comma inside quotes\n"
                + "2,We grilled fish and potatoes,\"a tab\there\"\n"
                + "3,My computer will not boot after the update,\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("tickets-out.csv");
        CliHarness.Result r = CliHarness.run("predict", "--model", model.toString(), "--input", in.toString(), "--output",
                out.toString(), "--top-k", "2", "-q");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("Wrote 3 rows") && r.err().contains("input: text"), r::toString);
        List<CSVRecord> rows = readCsv(out, CSVFormat.RFC4180);
        assertEquals(List.of("id", "text", "note", "label", "score", "top_k", "probability_food", "probability_sports",
                "probability_tech"), rows.get(0).getParser().getHeaderNames());
        assertEquals(List.of("sports", "food", "tech"), rows.stream().map(c -> c.get("label")).toList());
        assertEquals("The striker scored twice, then the team won", rows.get(0).get("text"));
        assertEquals("a tab\there", rows.get(1).get("note"), "a tab inside a field survives");
        for (CSVRecord c : rows) {
            double sum = Double.parseDouble(c.get("probability_food")) + Double.parseDouble(c.get("probability_sports"))
                    + Double.parseDouble(c.get("probability_tech"));
            assertEquals(1.0, sum, 1e-4);
            assertEquals(Double.parseDouble(c.get("probability_" + c.get("label"))), Double.parseDouble(c.get("score")), 1e-9);
            JsonNode top = JSON.readTree(c.get("top_k"));
            assertEquals(2, top.size());
            assertEquals(c.get("label"), top.get(0).get("label").asText());
        }

        String before = Files.readString(out);
        CliHarness.Result again = CliHarness.run("predict", "--model", model.toString(), "--input", in.toString(), "--output",
                out.toString(), "-q");
        assertEquals(1, again.code(), again::toString);
        assertTrue(again.err().contains(out + " exists") && again.err().contains("--output"), again::toString);
        assertEquals(before, Files.readString(out), "an existing file is never replaced");
    }

    @Test
    void jsonLinesAndTsvInputsPickTheirTextColumn() throws Exception {
        Path jsonl = Files.writeString(dir.resolve("in.jsonl"), "{\"id\": 7, \"body\": \"Fans cheered the winning goal\", \"label\": \"x\"}\n"
                + "\n{\"id\": 8, \"body\": \"The laptop battery drains fast\", \"label\": \"y\"}\n");
        Path out = dir.resolve("in-out.jsonl");
        CliHarness.Result r = CliHarness.run("predict", "--model", model.toString(), "--input", jsonl.toString(), "--output",
                out.toString(), "--text-column", "body", "-q");
        assertEquals(0, r.code(), r::toString);
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals(7, first.get("id").asInt(), "input fields keep their JSON types");
        assertTrue(first.get("id").isInt());
        assertEquals("x", first.get("label").asText(), "the input's own label column is kept");
        assertEquals("sports", first.get("predicted_label").asText(), "the prediction is renamed to keep it: " + lines.get(0));
        assertEquals(3, first.get("probabilities").size());
        assertEquals("tech", JSON.readTree(lines.get(1)).get("predicted_label").asText());

        Path tsv = Files.writeString(dir.resolve("reviews.tsv"), "id\treview\n1\tThe soup was full of fresh garlic\n");
        Path tsvOut = dir.resolve("reviews-out.tsv");
        CliHarness.Result t = CliHarness.run("predict", "--model", model.toString(), "--input", tsv.toString(), "--output",
                tsvOut.toString(), "-q");
        assertEquals(0, t.code(), t::toString);
        List<CSVRecord> rows = readCsv(tsvOut, CSVFormat.TDF);
        assertEquals("food", rows.get(0).get("label"), "the column named review is the text by default");
        assertEquals("1", rows.get(0).get("id"));
    }

    @Test
    void badRowsAndOptionsAreNamed() throws Exception {
        Path jsonl = Files.writeString(dir.resolve("bad.jsonl"), "{\"text\": \"fine\"}\n{\"text\": \"also fine\"}\n{\"txt\": \"typo\"}\n");
        Path out = dir.resolve("bad-out.jsonl");
        CliHarness.Result r = CliHarness.run("predict", "--model", model.toString(), "--input", jsonl.toString(), "--output",
                out.toString(), "-q");
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("bad.jsonl: line 3") && r.err().contains("'text'") && r.err().contains("--text-column"),
                r::toString);
        assertFalse(Files.exists(out), "nothing is written when a row fails");

        Path csv = Files.writeString(dir.resolve("cols.csv"), "a,b\nhello,world\n");
        CliHarness.Result missing = CliHarness.run("predict", "--model", model.toString(), "--input", csv.toString(), "--output",
                dir.resolve("cols-out.csv").toString(), "--text-column", "body", "-q");
        assertEquals(1, missing.code(), missing::toString);
        assertTrue(missing.err().contains("no column 'body' (--text-column)") && missing.err().contains("a, b"), missing::toString);

        CliHarness.Result threshold = CliHarness.run("predict", "--model", model.toString(), "--input", csv.toString(),
                "--output", dir.resolve("t-out.csv").toString(), "--threshold", "0.3", "-q");
        assertEquals(1, threshold.code(), threshold::toString);
        assertTrue(threshold.err().contains("--threshold applies to multi-label and two-class models"), threshold::toString);

        CliHarness.Result noOutput = CliHarness.run("predict", "--model", model.toString(), "--input", csv.toString());
        assertEquals(1, noOutput.code(), noOutput::toString);
        assertTrue(noOutput.err().contains("give --output FILE"), noOutput::toString);

        CliHarness.Result serve = CliHarness.run("serve", "--model", model.toString(), "--max-batch-size", "0");
        assertEquals(1, serve.code(), serve::toString);
        assertTrue(serve.err().contains("--max-batch-size must be at least 1"), serve::toString);
    }

    @Test
    void oneTextPerLineStillPrintsLabelProbabilityText() throws Exception {
        Path txt = Files.writeString(dir.resolve("lines.txt"), "text\nThe goalie blocked the shot\n");
        CliHarness.Result r = CliHarness.run("predict", "--model", model.toString(), "--input", txt.toString());
        assertEquals(0, r.code(), r::toString);
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(2, lines.size(), "a .txt file is still read line by line: " + r);
        assertTrue(lines.get(1).startsWith("sports\t") && lines.get(1).endsWith("\tThe goalie blocked the shot"), r::toString);
    }
}
