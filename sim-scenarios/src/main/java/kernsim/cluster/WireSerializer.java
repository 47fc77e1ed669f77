package kernsim.cluster;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Pekko's serializer for {@link Wire} messages: each record as Jackson's JSON (the Jackson kernsim's
 * {@code --json} output already uses), its class name as the manifest, typed actor references as Pekko's
 * own string form ({@link ActorRefResolver}). A manifest naming anything but a {@link Wire} class of this
 * package is refused before any class is initialised.
 */
public final class WireSerializer extends SerializerWithStringManifest {
  /** Pekko reserves 0 to 40; any other fixed number identifies this serializer on every node. */
  static final int IDENTIFIER = 16_1616;

  private final ExtendedActorSystem system;
  private volatile ObjectMapper mapper;

  public WireSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    return o.getClass().getName();
  }

  @Override
  public byte[] toBinary(Object o) {
    try {
      return mapper().writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serialize " + o.getClass().getName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    Class<?> c;
    try {
      c = manifest.startsWith(WireSerializer.class.getPackageName() + ".")
          ? Class.forName(manifest, false, WireSerializer.class.getClassLoader()) : null;
    } catch (ClassNotFoundException e) {
      c = null;
    }
    if (c == null || !Wire.class.isAssignableFrom(c)) {
      throw new NotSerializableException("not a kernsim cluster message: " + manifest);
    }
    try {
      return mapper().readValue(bytes, c);
    } catch (IOException e) {
      NotSerializableException n = new NotSerializableException(manifest + ": " + e.getMessage());
      n.initCause(e);
      throw n;
    }
  }

  /** Made on first use: the actor-reference resolver needs the system started. */
  private ObjectMapper mapper() {
    ObjectMapper m = mapper;
    if (m == null) {
      ActorRefResolver resolver = ActorRefResolver.get(Adapter.toTyped(system));
      SimpleModule refs = new SimpleModule("kernsim-actor-refs");
      @SuppressWarnings({"rawtypes", "unchecked"})
      Class<ActorRef<?>> type = (Class) ActorRef.class;
      refs.addSerializer(type, new JsonSerializer<ActorRef<?>>() {
        @Override
        public void serialize(ActorRef<?> ref, JsonGenerator g, SerializerProvider p) throws IOException {
          g.writeString(resolver.toSerializationFormat(ref));
        }
      });
      refs.addDeserializer(type, new JsonDeserializer<ActorRef<?>>() {
        @Override
        public ActorRef<?> deserialize(JsonParser p, DeserializationContext c) throws IOException {
          return resolver.resolveActorRef(p.getValueAsString());
        }
      });
      m = new ObjectMapper().registerModule(refs)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
      mapper = m;
    }
    return m;
  }
}
