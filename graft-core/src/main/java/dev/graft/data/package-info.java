/**
 * The data layer for labelled text: reading CSV, TSV and JSON Lines files into {@link
 * dev.graft.data.TextDataset}s, mapping labels to class indices ({@link dev.graft.data.LabelMap})
 * and splitting data into train/validation/test sets ({@link dev.graft.data.Splits}).
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * TextDataset all = TextDataReader.read(Path.of("train.csv"),
 *         DataOptions.defaults().withTextColumn("message"));
 * DatasetSplits splits = Splits.stratified(all, 0.1, 0.1, 42);
 * LabelMap labels = splits.labelMap();
 * }</pre>
 *
 * <p>Every problem with the user's data (missing file, bad encoding, unknown column, empty rows,
 * unseen labels, ...) is reported as a {@link dev.graft.data.DataException} whose message names the
 * file, the line and/or the column, and says how to fix it.
 *
 * <p>This package depends on no other Graft package.
 */
package dev.graft.data;
