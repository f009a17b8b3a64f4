package dev.graft.tensor.pickle;

import dev.graft.tensor.pickle.Pickled.Global;
import dev.graft.tensor.pickle.Pickled.StorageRef;
import dev.graft.tensor.pickle.Pickled.TensorRef;
import dev.graft.tensor.pickle.Pickled.Tuple;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Interprets the pickle opcodes a PyTorch {@code state_dict} uses, and nothing else. No class is ever
 * instantiated from the file: {@code GLOBAL} is checked against an allow-list when it is read, and
 * {@code REDUCE}/{@code BUILD} only evaluate the few allowed callables, in Java. Every length is checked against
 * the bytes that remain, and the number of values created is bounded.
 */
final class RestrictedUnpickler {

    /** Most values (stack entries, memo entries, container items) one pickle may create. */
    static final int MAX_VALUES = 4_000_000;
    /** Most dimensions of one tensor. */
    static final int MAX_DIMS = 64;

    private static final Set<String> CALLABLES = Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter");

    private final byte[] bytes;
    private final String source;
    private int pos;
    private int created;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private RestrictedUnpickler(byte[] bytes, String source) {
        this.bytes = bytes;
        this.source = source;
    }

    /**
     * Unpickles {@code bytes}.
     *
     * @param source names the file in error messages
     * @return the value {@code STOP} returns: maps are {@link LinkedHashMap}s, tensors {@link TensorRef}s
     * @throws PickleException if the pickle is malformed or uses anything outside the allow-list
     */
    static Object load(byte[] bytes, String source) throws PickleException {
        return new RestrictedUnpickler(bytes, source).run();
    }

    private Object run() throws PickleException {
        while (true) {
            if (pos >= bytes.length) {
                throw fail("the pickle ends without a STOP opcode; the file is truncated");
            }
            int at = pos;
            int op = bytes[pos++] & 0xFF;
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto > 5) {
                        throw fail("pickle protocol " + proto + " is unknown (at most 5)");
                    }
                }
                case 0x95 -> need(8).skip(8); // FRAME: a length hint only
                case '}' -> push(new LinkedHashMap<Object, Object>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<Object>()); // EMPTY_LIST
                case ')' -> push(new Tuple(List.of())); // EMPTY_TUPLE
                case '(' -> marks.add(stack.size()); // MARK
                case 't' -> push(new Tuple(popMark())); // TUPLE
                case 0x85 -> push(new Tuple(popN(1)));
                case 0x86 -> push(new Tuple(popN(2)));
                case 0x87 -> push(new Tuple(popN(3)));
                case 'X' -> push(utf8(len(u32()))); // BINUNICODE
                case 0x8c -> push(utf8(u8())); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(len(i64()))); // BINUNICODE8
                case 'J' -> push((long) i32()); // BININT
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) u16()); // BININT2
                case 0x8a -> push(long1()); // LONG1
                case 'G' -> push(binfloat()); // BINFLOAT
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'N' -> push(null);
                case 'q' -> memoPut(u8()); // BINPUT
                case 'r' -> memoPut(u32()); // LONG_BINPUT
                case 0x94 -> memoPut(memo.size()); // MEMOIZE
                case 'h' -> push(memoGet(u8())); // BINGET
                case 'j' -> push(memoGet(u32())); // LONG_BINGET
                case 's' -> setItems(stack.size() - 2); // SETITEM
                case 'u' -> setItems(popMarkIndex()); // SETITEMS
                case 'a' -> appends(stack.size() - 1); // APPEND
                case 'e' -> appends(popMarkIndex()); // APPENDS
                case 'c' -> push(global(line(), line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("STACK_GLOBAL needs two strings");
                    }
                    push(global(m, n));
                }
                case 'R' -> reduce(); // REDUCE
                case 'Q' -> push(persistent(pop())); // BINPERSID
                case 'b' -> build(); // BUILD
                case '.' -> { // STOP
                    Object result = pop();
                    return result;
                }
                default -> throw fail(String.format("opcode 0x%02x at byte %d is not one a state_dict uses; Graft "
                        + "reads only plain tensor checkpoints and never executes pickled code", op, at));
            }
        }
    }

    private Global global(String module, String name) throws PickleException {
        String q = module + "." + name;
        boolean storage = module.equals("torch") && TorchDtype.byStorageClass(name).isPresent();
        boolean dtype = module.equals("torch") && TorchDtype.byDtypeName(name).isPresent();
        if (!CALLABLES.contains(q) && !storage && !dtype) {
            throw fail("the checkpoint refers to the Python global '" + q + "', which is not on Graft's allow-list "
                    + "(collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter, "
                    + "torch storage types and dtypes). Graft never executes pickled code; if this file should hold "
                    + "only weights, convert it to safetensors with a trusted tool");
        }
        return new Global(module, name);
    }

    private void reduce() throws PickleException {
        Object args = pop();
        Object fn = pop();
        if (!(fn instanceof Global g) || !CALLABLES.contains(g.qualified())) {
            throw fail("REDUCE may only call " + CALLABLES + ", not " + describe(fn));
        }
        if (!(args instanceof Tuple t)) {
            throw fail("REDUCE of " + g.qualified() + " needs an argument tuple, got " + describe(args));
        }
        List<Object> a = t.items();
        switch (g.name()) {
            case "OrderedDict" -> {
                if (!a.isEmpty()) {
                    throw fail("collections.OrderedDict is only supported with no arguments");
                }
                push(new LinkedHashMap<Object, Object>());
            }
            case "_rebuild_tensor_v2" -> push(rebuildTensor(a));
            case "_rebuild_parameter" -> {
                if (a.isEmpty() || !(a.get(0) instanceof TensorRef tensor)) {
                    throw fail("torch._utils._rebuild_parameter needs a tensor as first argument");
                }
                push(tensor);
            }
            default -> throw new AssertionError(g);
        }
    }

    private TensorRef rebuildTensor(List<Object> a) throws PickleException {
        if (a.size() < 4 || !(a.get(0) instanceof StorageRef storage) || !(a.get(1) instanceof Long offset)
                || !(a.get(2) instanceof Tuple size) || !(a.get(3) instanceof Tuple stride)) {
            throw fail("torch._utils._rebuild_tensor_v2 needs (storage, offset, size, stride, ...), got "
                    + a.size() + " arguments");
        }
        long[] s = longs(size, "size");
        long[] st = longs(stride, "stride");
        if (s.length != st.length) {
            throw fail("tensor size " + java.util.Arrays.toString(s) + " and stride " + java.util.Arrays.toString(st)
                    + " differ in length");
        }
        return new TensorRef(storage, offset, s, st);
    }

    private long[] longs(Tuple t, String what) throws PickleException {
        if (t.items().size() > MAX_DIMS) {
            throw fail("tensor " + what + " has " + t.items().size() + " dimensions, more than " + MAX_DIMS);
        }
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.items().get(i) instanceof Long v)) {
                throw fail("tensor " + what + " holds " + describe(t.items().get(i)) + ", not an integer");
            }
            out[i] = v;
        }
        return out;
    }

    private StorageRef persistent(Object pid) throws PickleException {
        if (!(pid instanceof Tuple t) || t.items().size() != 5 || !"storage".equals(t.items().get(0))) {
            throw fail("a persistent id must be ('storage', type, key, location, numel), got " + describe(pid));
        }
        List<Object> a = t.items();
        if (!(a.get(1) instanceof Global type) || !(a.get(2) instanceof String key) || !(a.get(4) instanceof Long n)) {
            throw fail("a persistent id must be ('storage', type, key, location, numel), got " + describe(pid));
        }
        TorchDtype dtype = TorchDtype.byStorageClass(type.name())
                .or(() -> TorchDtype.byDtypeName(type.name()))
                .orElseThrow(() -> fail("storage type " + type.qualified() + " is not a storage class"));
        if (!key.matches("[A-Za-z0-9_]{1,64}")) {
            throw fail("storage key '" + abbreviate(key) + "' is not a plain name");
        }
        if (n < 0) {
            throw fail("storage " + key + " declares " + n + " elements");
        }
        return new StorageRef(dtype, key, n);
    }

    private void build() throws PickleException {
        Object state = pop();
        Object target = peek();
        if (!(target instanceof Map) || !(state == null || state instanceof Map)) {
            throw fail("BUILD is only supported to attach metadata to an OrderedDict, not to " + describe(target));
        }
        // state_dict._metadata (module versions) carries no weights: ignore it.
    }

    @SuppressWarnings("unchecked")
    private void setItems(int from) throws PickleException {
        if (from < 1 || (stack.size() - from) % 2 != 0) {
            throw fail("SETITEM(S) needs a dict and key/value pairs on the stack");
        }
        Object target = stack.get(from - 1);
        if (!(target instanceof Map)) {
            throw fail("SETITEM(S) on " + describe(target) + ", not a dict");
        }
        Map<Object, Object> map = (Map<Object, Object>) target;
        for (int i = from; i < stack.size(); i += 2) {
            Object key = stack.get(i);
            if (key instanceof Map || key instanceof List) {
                throw fail("a dict key is " + describe(key) + ", which Python cannot hash");
            }
            map.put(key, stack.get(i + 1));
        }
        truncate(from);
    }

    @SuppressWarnings("unchecked")
    private void appends(int from) throws PickleException {
        if (from < 1 || from > stack.size()) {
            throw fail("APPEND(S) needs a list on the stack");
        }
        Object target = stack.get(from - 1);
        if (!(target instanceof List)) {
            throw fail("APPEND(S) on " + describe(target) + ", not a list");
        }
        ((List<Object>) target).addAll(stack.subList(from, stack.size()));
        truncate(from);
    }

    private void truncate(int size) {
        stack.subList(size, stack.size()).clear();
    }

    private int popMarkIndex() throws PickleException {
        if (marks.isEmpty()) {
            throw fail("an opcode needs a MARK but there is none");
        }
        int m = marks.remove(marks.size() - 1);
        if (m > stack.size()) {
            throw fail("the MARK points past the top of the stack");
        }
        return m;
    }

    private List<Object> popMark() throws PickleException {
        int m = popMarkIndex();
        List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
        truncate(m);
        return items;
    }

    private List<Object> popN(int n) throws PickleException {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() - n < floor) {
            throw fail("the stack holds too few values for a " + n + "-tuple");
        }
        List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
        truncate(stack.size() - n);
        return items;
    }

    private void push(Object v) throws PickleException {
        if (++created > MAX_VALUES) {
            throw fail("the pickle creates more than " + MAX_VALUES + " values; a state_dict needs far fewer");
        }
        stack.add(v);
    }

    private Object pop() throws PickleException {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw fail("an opcode needs a value but the stack is empty");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws PickleException {
        if (stack.isEmpty()) {
            throw fail("an opcode needs a value but the stack is empty");
        }
        return stack.get(stack.size() - 1);
    }

    private void memoPut(long index) throws PickleException {
        if (memo.size() >= MAX_VALUES) {
            throw fail("the memo grows past " + MAX_VALUES + " entries");
        }
        memo.put(index, peek());
    }

    private Object memoGet(long index) throws PickleException {
        if (!memo.containsKey(index)) {
            throw fail("memo entry " + index + " is read before it is written");
        }
        return memo.get(index);
    }

    private RestrictedUnpickler need(long n) throws PickleException {
        if (n > bytes.length - pos) {
            throw fail("a value of " + n + " bytes at byte " + pos + " runs past the end of the "
                    + bytes.length + "-byte pickle; the file is truncated or corrupt");
        }
        return this;
    }

    private void skip(int n) {
        pos += n;
    }

    private int u8() throws PickleException {
        need(1);
        return bytes[pos++] & 0xFF;
    }

    private int u16() throws PickleException {
        need(2);
        int v = (bytes[pos] & 0xFF) | (bytes[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    private int i32() throws PickleException {
        need(4);
        int v = (bytes[pos] & 0xFF) | (bytes[pos + 1] & 0xFF) << 8 | (bytes[pos + 2] & 0xFF) << 16
                | (bytes[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    private long u32() throws PickleException {
        return i32() & 0xFFFFFFFFL;
    }

    private long i64() throws PickleException {
        long lo = u32();
        long hi = u32();
        return lo | hi << 32;
    }

    private Long long1() throws PickleException {
        int n = u8();
        if (n > 8) {
            throw fail("LONG1 integer of " + n + " bytes is too large (at most 8)");
        }
        need(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (bytes[pos + i] & 0xFF);
        }
        if (n > 0 && n < 8 && (bytes[pos + n - 1] & 0x80) != 0) {
            v -= 1L << (8 * n); // sign-extend
        }
        pos += n;
        return v;
    }

    private Double binfloat() throws PickleException {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (bytes[pos + i] & 0xFF);
        }
        pos += 8;
        return Double.longBitsToDouble(v);
    }

    private int len(long n) throws PickleException {
        if (n < 0 || n > bytes.length - pos) {
            throw fail("a string of " + Long.toUnsignedString(n) + " bytes at byte " + pos + " runs past the end of the "
                    + bytes.length + "-byte pickle; the file is truncated or corrupt");
        }
        return (int) n;
    }

    private String utf8(int n) throws PickleException {
        need(n);
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes, pos, n)).toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw fail("a string at byte " + pos + " is not valid UTF-8");
        }
    }

    private String line() throws PickleException {
        int start = pos;
        while (pos < bytes.length && pos - start < 256) {
            if (bytes[pos] == '\n') {
                String s = new String(bytes, start, pos - start, StandardCharsets.US_ASCII);
                pos++;
                return s;
            }
            pos++;
        }
        throw fail("a GLOBAL name at byte " + start + " has no end of line within 256 bytes");
    }

    private static String describe(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Global g) {
            return g.qualified();
        }
        if (v instanceof String s) {
            return "'" + abbreviate(s) + "'";
        }
        return v.getClass().getSimpleName();
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private PickleException fail(String what) {
        return new PickleException(source + ": " + what);
    }
}
