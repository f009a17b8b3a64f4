package dev.graft.cli;

import dev.graft.tensor.io.TemporaryDirectory;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test its own {@code graft.home} (extracted models, embedding cache), so tests neither share caches nor
 * touch the user's; the previous value is restored afterwards. Use with {@code @ExtendWith(PrivateGraftHome.class)}.
 */
final class PrivateGraftHome implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PrivateGraftHome.class);

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        TemporaryDirectory home = TemporaryDirectory.create("graft-home");
        ExtensionContext.Store store = context.getStore(NS);
        store.put("home", home);
        store.put("previous", Optional.ofNullable(System.getProperty("graft.home")));
        System.setProperty("graft.home", home.path().toString());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        ExtensionContext.Store store = context.getStore(NS);
        Optional<?> previous = store.get("previous", Optional.class);
        if (previous.isPresent()) {
            System.setProperty("graft.home", previous.get().toString());
        } else {
            System.clearProperty("graft.home");
        }
        store.get("home", TemporaryDirectory.class).close();
    }
}
