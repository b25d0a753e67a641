package io.punchline.ui;

import io.punchline.transfer.IncomingOffer;
import io.punchline.transfer.ManifestEntry;
import io.punchline.ui.model.TransferList;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBoxTreeItem;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.control.cell.CheckBoxTreeCell;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.Window;

import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * An offer's entries as a tree of check boxes with their sizes, and the folder they go to (the settings' download
 * folder unless changed). The result is the answer: accept into a folder with a selection (null: everything), or
 * decline (an empty result is "decide later").
 */
final class OfferDialog extends Dialog<OfferDialog.Answer> {

    /** What the user chose: {@code folder} null means decline; {@code selection} null means all. */
    record Answer(Path folder, Set<String> selection) {
    }

    static final ButtonType ACCEPT = new ButtonType("_Accept", ButtonBar.ButtonData.OK_DONE);
    static final ButtonType DECLINE = new ButtonType("_Decline", ButtonBar.ButtonData.NO);

    private final Map<String, CheckBoxTreeItem<String>> items = new HashMap<>();
    final TreeView<String> tree;
    final TextField folder;

    OfferDialog(Window owner, IncomingOffer offer, String peerName, Path downloadFolder) {
        initOwner(owner);
        setTitle("Files from " + peerName);
        setHeaderText(peerName + " offers " + offer.manifest().fileCount() + " files ("
                + TransferList.human(offer.manifest().totalBytes()) + "). Choose what to receive and where.");
        getDialogPane().setId("offerDialog");
        if (owner != null && owner.getScene() != null) {
            getDialogPane().getStylesheets().setAll(owner.getScene().getStylesheets());
        }
        getDialogPane().getButtonTypes().setAll(ACCEPT, DECLINE, ButtonType.CANCEL);

        CheckBoxTreeItem<String> root = new CheckBoxTreeItem<>("All");
        root.setExpanded(true);
        for (ManifestEntry entry : offer.manifest().entries()) {
            String path = entry.path();
            int slash = path.lastIndexOf('/');
            String name = slash < 0 ? path : path.substring(slash + 1);
            CheckBoxTreeItem<String> item = new CheckBoxTreeItem<>(entry.isFile()
                    ? name + "  (" + TransferList.human(entry.size()) + ")" : name + "/");
            item.setSelected(true);
            item.setExpanded(true);
            CheckBoxTreeItem<String> parent = slash < 0 ? root : items.getOrDefault(path.substring(0, slash), root);
            parent.getChildren().add(item);
            items.put(path, item);
        }
        root.setSelected(true);
        tree = new TreeView<>(root);
        tree.setId("offerTree");
        tree.setCellFactory(CheckBoxTreeCell.forTreeView());
        tree.setPrefSize(520, 300);
        VBox.setVgrow(tree, Priority.ALWAYS);

        folder = new TextField(downloadFolder.toString());
        folder.setId("offerFolder");
        HBox.setHgrow(folder, Priority.ALWAYS);
        Button browse = new Button("_Browse…");
        browse.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Receive into");
            File current = new File(folder.getText());
            if (current.isDirectory()) {
                chooser.setInitialDirectory(current);
            }
            File chosen = chooser.showDialog(getDialogPane().getScene().getWindow());
            if (chosen != null) {
                folder.setText(chosen.getPath());
            }
        });
        getDialogPane().setContent(new VBox(8, tree, new Label("Save into:"), new HBox(6, folder, browse)));
        getDialogPane().lookupButton(ACCEPT).disableProperty().bind(folder.textProperty().isEmpty());
        setResultConverter(button -> {
            if (button == ACCEPT) {
                return new Answer(Path.of(folder.getText().trim()), selection());
            }
            if (button == DECLINE) {
                return new Answer(null, null);
            }
            return null;
        });
    }

    /** Ticks or unticks the entry at a manifest path (tests). */
    void select(String path, boolean selected) {
        items.get(path).setSelected(selected);
    }

    /** The manifest paths ticked; null when everything is. */
    Set<String> selection() {
        boolean all = items.values().stream().allMatch(CheckBoxTreeItem::isSelected);
        if (all) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        items.forEach((path, item) -> {
            if (item.isSelected() && item.getChildren().isEmpty()) {
                out.add(path);
            }
        });
        // folders with nothing under them
        items.forEach((path, item) -> {
            if (item.isSelected() && !item.getChildren().isEmpty() && allSelected(item)) {
                out.add(path);
            }
        });
        return out;
    }

    private static boolean allSelected(TreeItem<String> item) {
        for (TreeItem<String> child : item.getChildren()) {
            if (!((CheckBoxTreeItem<String>) child).isSelected()) {
                return false;
            }
        }
        return true;
    }
}
