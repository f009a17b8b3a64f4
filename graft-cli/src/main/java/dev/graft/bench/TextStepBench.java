package dev.graft.bench;

import dev.graft.model.bert.BertConfig;
import dev.graft.model.text.TextModelSpec;
import java.io.PrintStream;

/** What a bench section that times MiniLM fine-tune steps works with: settings, the report, the log and the model. */
abstract class TextStepBench {

    protected final BenchSettings s;
    protected final BenchReport report;
    protected final PrintStream log;
    protected final TextModelSpec spec;
    protected final BertConfig bert;

    TextStepBench(BenchSettings s, BenchReport report, PrintStream log, TextModelSpec spec, BertConfig bert) {
        this.s = s;
        this.report = report;
        this.log = log;
        this.spec = spec;
        this.bert = bert;
    }
}
