package dev.graft.run;

import java.util.ArrayList;
import java.util.List;

/** A {@link RunListener} that keeps the messages it is told, for tests of notes and warnings. */
final class MessageLog implements RunListener {

    final List<String> lines = new ArrayList<>();

    @Override
    public void message(String line) {
        lines.add(line);
    }
}
