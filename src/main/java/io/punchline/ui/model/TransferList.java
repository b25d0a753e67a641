package io.punchline.ui.model;

import io.punchline.crypto.PeerId;
import io.punchline.engine.EngineEvent;
import io.punchline.transfer.IncomingOffer;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The transfers tab's rows, changed only on the FX thread by {@code transfer.*} events (which the engine rate-limits
 * and the {@link EventPump} batches: never one update per packet). Tells listeners when a transfer needs attention
 * (finished, failed, cancelled or declined) so the window can notify.
 */
public final class TransferList {

    /** Something the user should hear about: a title and a sentence. */
    public record Notice(String title, String text, boolean failure) {
    }

    private final ObservableList<TransferRow> rows = FXCollections.observableArrayList(row -> new javafx.beans.Observable[]{
            row.stateProperty(), row.bytesProperty(), row.currentFileProperty(), row.networkPathProperty()});
    private final List<Consumer<Notice>> listeners = new CopyOnWriteArrayList<>();
    private Function<String, String> names = PeerId::shortFingerprint;

    private final ObservableList<IncomingOffer> offers = FXCollections.observableArrayList();

    /** Offers from peers waiting for an answer (accept all, some, or decline). */
    public ObservableList<IncomingOffer> offers() {
        return offers;
    }

    /** A peer's offer arrived (the engine's offer handler, moved to the FX thread). */
    public void offered(IncomingOffer offer) {
        TransferRow row = rowOrNew(offer.id().hex(), offer.peer().fingerprint());
        row.directionProperty().set(TransferRow.IN);
        row.filesProperty().set(offer.manifest().fileCount());
        row.totalProperty().set(offer.manifest().totalBytes());
        offers.add(offer);
        notice(new Notice("Files offered", row.peerNameProperty().get() + " offers " + offer.manifest().fileCount()
                + " files (" + human(offer.manifest().totalBytes()) + "): accept or decline in the Transfers tab", false));
    }

    /** The user answered an offer. */
    public void answered(IncomingOffer offer) {
        offers.remove(offer);
    }

    public ObservableList<TransferRow> rows() {
        return rows;
    }

    /** How peer fingerprints are shown (remembered names). */
    public void setNames(Function<String, String> names) {
        this.names = names;
        rows.forEach(row -> row.peerNameProperty().set(names.apply(row.peerProperty().get())));
    }

    public void onNotice(Consumer<Notice> listener) {
        listeners.add(listener);
    }

    public TransferRow row(String id) {
        for (TransferRow row : rows) {
            if (row.id().equals(id)) {
                return row;
            }
        }
        return null;
    }

    /** The row for {@code id}, made (newest first) when it is not there yet. */
    public TransferRow rowOrNew(String id, String peer) {
        TransferRow row = row(id);
        if (row == null) {
            row = new TransferRow(id);
            rows.add(0, row);
        }
        if (peer != null && !peer.isEmpty() && row.peerProperty().get().isEmpty()) {
            row.peerProperty().set(peer);
            row.peerNameProperty().set(names.apply(peer));
        }
        return row;
    }

    /** Applies one event; returns whether it was a transfer event. */
    public boolean apply(EngineEvent event) {
        if (event instanceof EngineEvent.TransferOffered offered) {
            TransferRow row = rowOrNew(offered.transfer(), offered.peer());
            row.directionProperty().set(offered.direction());
            row.filesProperty().set(offered.files());
            row.totalProperty().set(offered.bytes());
            if (!row.state().ended()) {
                row.stateProperty().set(TransferRow.State.OFFERED);
            }
        } else if (event instanceof EngineEvent.TransferHashing hashing) {
            TransferRow row = rowOrNew(hashing.transfer(), hashing.peer());
            row.directionProperty().set(TransferRow.OUT);
            row.stateProperty().set(TransferRow.State.HASHING);
            row.bytesProperty().set(hashing.bytes());
            row.totalProperty().set(hashing.total());
            row.currentFileProperty().set(hashing.file());
        } else if (event instanceof EngineEvent.TransferProgress progress) {
            if (progress.transfer() == null || progress.file() == null || progress.file().isEmpty() && row(progress.transfer()) == null) {
                return false; // a test stream's progress: the chart shows it
            }
            TransferRow row = rowOrNew(progress.transfer(), progress.peer());
            if (!row.state().ended()) {
                row.stateProperty().set(TransferRow.State.RUNNING);
            }
            row.bytesProperty().set(progress.bytes());
            row.totalProperty().set(progress.total());
            row.bytesPerSecondProperty().set(progress.bytesPerSecond());
            row.networkPathProperty().set(progress.path().jsonName());
            if (!progress.file().isEmpty()) {
                row.currentFileProperty().set(progress.file());
            }
        } else if (event instanceof EngineEvent.TransferFinished finished) {
            TransferRow row = row(finished.transfer());
            if (row == null) {
                return false; // a test stream
            }
            row.stateProperty().set(TransferRow.State.DONE);
            row.bytesPerSecondProperty().set(finished.millis() > 0 ? finished.bytes() * 1000 / finished.millis() : 0);
            if (row.totalProperty().get() > 0) {
                row.bytesProperty().set(Math.max(row.bytesProperty().get(), row.totalProperty().get()));
            }
            row.currentFileProperty().set("");
            row.messageProperty().set((TransferRow.IN.equals(row.direction()) ? "received " : "sent ")
                    + finished.files() + (finished.files() == 1 ? " file, verified" : " files, verified"));
            notice(new Notice("Transfer finished", row.messageProperty().get()
                    + (TransferRow.IN.equals(row.direction()) ? " from " : " to ") + row.peerNameProperty().get(), false));
        } else if (event instanceof EngineEvent.TransferFailed failed) {
            TransferRow row = rowOrNew(failed.transfer(), failed.peer());
            end(row, TransferRow.State.FAILED, failed.message());
            notice(new Notice("Transfer failed", row.peerNameProperty().get() + ": " + failed.message(), true));
        } else if (event instanceof EngineEvent.TransferCancelled cancelled) {
            TransferRow row = rowOrNew(cancelled.transfer(), cancelled.peer());
            boolean byUs = cancelled.by() == EngineEvent.CancelledBy.US;
            end(row, TransferRow.State.CANCELLED, byUs ? "cancelled" : "cancelled by the peer");
            if (!byUs) {
                notice(new Notice("Transfer cancelled", row.peerNameProperty().get() + " cancelled the transfer", true));
            }
        } else if (event instanceof EngineEvent.TransferDeclined declined) {
            TransferRow row = rowOrNew(declined.transfer(), declined.peer());
            end(row, TransferRow.State.DECLINED, TransferRow.IN.equals(row.direction()) ? "declined" : "declined by the peer");
            if (TransferRow.OUT.equals(row.direction())) {
                notice(new Notice("Files declined", row.peerNameProperty().get() + " declined the files", true));
            }
        } else if (event instanceof EngineEvent.TransferRefused refused) {
            notice(new Notice("Files refused", refused.message(), true));
        } else {
            return false;
        }
        return true;
    }

    /** 1234567 bytes as "1.2 MB". */
    public static String human(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private void end(TransferRow row, TransferRow.State state, String message) {
        offers.removeIf(offer -> offer.id().hex().equals(row.id()));
        row.stateProperty().set(state);
        row.messageProperty().set(message);
        row.bytesPerSecondProperty().set(0);
        row.currentFileProperty().set("");
    }

    private void notice(Notice notice) {
        listeners.forEach(listener -> listener.accept(notice));
    }
}
