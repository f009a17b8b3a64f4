package dev.graft.cli;

/** How the deciding commands' tables name a metric's figures. */
final class FigureNames {

    private FigureNames() {
    }

    /** A figure's name as tables print it: macro-F1, micro-F1, mAP; others as the metrics name them. */
    static String display(String figure) {
        return switch (figure) {
            case "macro_f1" -> "macro-F1";
            case "micro_f1" -> "micro-F1";
            case "map" -> "mAP";
            default -> figure;
        };
    }
}
