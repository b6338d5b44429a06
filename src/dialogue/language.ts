/**
 * Which language a customer's message is written in, for choosing the reply language: Spanish or English today.
 *
 * A lexicon and spelling model, not a statistical one, because chat messages are short ("gracias", "hi", "mi eSIM
 * no funciona") and character n-gram detectors need sentences. Each word gives evidence:
 *
 * - very common words of each language (function words, frequent verbs, chat and support vocabulary, common typos and
 *   chat shorthand such as "q", "xfa", "thx", "dont"), matched accent-insensitively ("como cambio mi contrasena" is
 *   Spanish);
 * - spelling: ñ, written accents, ¿ and ¡, Spanish endings (-ción, -mente, -idad, -ando) against English ones (-tion,
 *   -ing, -ly, -ness), letter groups Spanish never writes (th, sh, ck, w), English contractions (don't, I'm);
 * - letters and words of other languages (ç, ã, ß, Cyrillic, "merci", "obrigado") count for "neither", so a French
 *   or Portuguese message is not labelled Spanish.
 *
 * Words with no evidence are ignored: numbers, e-mail addresses and links, product names written in mixed case
 * (eSIM, iPhone), capitalised names in mid-sentence (Madrid, Nubo), and international loanwords (wifi, roaming, ok).
 * When the evidence is too thin or too even the answer is undefined, so the caller keeps the conversation's language.
 * Deterministic, no I/O, a few microseconds per message.
 */

export interface DetectedLanguage {
  /** The entry of `supported` the message is in (e.g. "es" or "es-MX"). */
  locale: string;
  /**
   * 0..1: how one-sided and how plentiful the evidence was. A lone "hola" or "hi" gives about 0.5, a full sentence
   * 0.8-0.95, a sentence mixing both languages less. Callers switching a conversation's language may want 0.5 or more.
   */
  confidence: number;
}

type Lang = 'es' | 'en' | 'other';

/** Space-separated word lists, accent-folded (ñ as n) and lowercase, by weight. */
const LEXICON: Record<Exclude<Lang, 'other'>, [weight: number, words: string][]> = {
  es: [
    [1.5, `el la los las del que y de en por para con es esta estan hola gracias quiero tengo puedo necesito como
      cual cuales cuando donde cuanto cuanta cuantos cuantas porque pero muy tambien hay sin este esto eso esa ese
      estos estas esos esas nos favor buenos buenas dias noches tardes unos unas usted ustedes estoy quiere quisiera
      podria puede pueden tiene tienen hacer ayuda ayudar mas hoy manana ahora despues antes siempre nunca nada
      algo alguien todo todos todas otra otro otros otras mucho mucha muchos muchas poco aqui alli ahi asi bien mal
      sobre desde hasta entre tambien solo cuenta factura contrasena clave telefono movil correo llamada llamadas
      mensaje mensajes linea tarifa saldo recarga pago pagar cambiar funciona funcionan puedes podrias tienes
      quieres necesitas dime decir saber porfa porfavor xfa pq tmb tb sip vale gracia grasias grax graciass adios
      chao eres quien quienes nesecito nececito kiero ayudenme ayudeme aver`],
    [1, `un una uno lo le les se al su sus mi mis tu tus te si sí ya son ser estar era fue han hemos ha he has hace hizo
      dar dame dio ver veo voy vas va vamos ir hay hoy muy soy doy estoy fui ayer semana mes ano anos hora horas
      minuto minutos segundos dia tarde noche fin mismo misma cosa cosas vez veces parte caso dinero precio gratis
      plan planes datos internet cobro cobran cobraron cargo cobrado pagado pague pago pagos tarjeta banco recibo
      recibos facturas cliente clientes servicio servicios problema problemas error fallo falla pedido envio
      entrega direccion nombre numero numeros codigo cuenta cuentas usuario contrasenas acceso entrar iniciar sesion
      cerrar abrir activar desactivar cancelar borrar eliminar quitar poner agregar anadir configurar programar
      mostrar enviar recibir llegar llega llego llegado llamar llamo llamar contestar responder escribir hablar
      persona personas alguien agente humano empresa tienda oficina casa trabajo ciudad pais mundo calle
      cambio cambie cambiado cambiar pasa paso pasado pasar sale salio sigue seguir tengo tenia tuve tendre
      quiero queria quise puede pude podia podre hago hice hecho haria hacia tiene tenia debo debe deberia
      necesito necesita necesitaba funciona funciono funcionaba sirve sirvio ayudo ayuda ayudame dime digame
      saber se sabe sabes conozco gusta gustaria encanta favor hola holi ola buenas buen bueno buena malo mala
      mejor peor nuevo nueva viejo vieja grande pequeno alto alta bajo baja primero primera ultimo ultima siguiente
      anterior proximo proxima pronto tarde temprano cerca lejos dentro fuera arriba abajo ademas aunque entonces
      pues mientras luego igual tampoco quizas quiza tal vez claro perfecto genial excelente gracias adios chao
      hasta luego saludos disculpa disculpe perdon perdona lo siento oye mira vale venga jaja jajaja jeje jiji
      q xq pk tqm bss ke ql porq xk ntp`],
    [0.7, `o`],
    [1, `mes dos tres cuatro cinco seis siete ocho nueve diez cien mil lunes martes miercoles jueves viernes
      sabado domingo enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre
      alarma alarmas recordatorio recordatorios recuerdame recordar clima tiempo lluvia llover llueve nieve
      calor frio sol viento nublado pronostico temperatura grados hace hara estara sera seran esta
      detener deten posponer pospon encender enciende apagar apaga pon poner ponme quitar quita quite recoger
      escribir escribe restablecer reestablecer mirar buscar busca encontrar comprar compra vender leer creer crear
      crea revisar revisa comprobar consultar consulta preguntar pregunta esperar espera salir volver vuelve
      tomar toma llevar traer dejar deja empezar terminar acabar usar uso olvidar olvide recordar recuerda
      despertar despiertame despierta avisar avisame avisa actualizar actualizado actualizada corriente algun
      alguna algunos algunas ningun ninguna ninguno cualquier cada demas suficiente agua comida leche muestrame
      mostrarme muestra decirme cancela elimina borra cambia configura establece establecer agrega anade activa
      desactiva desbloquear bloquear bloqueo recibi envie envia llamame contrato contratar baja alta portabilidad
      cobertura senal velocidad lento lenta roto rota celular equipo aparato pantalla bateria cargador domicilio
      facturacion suscripcion reembolso devolucion ilimitado ilimitada buzon voz mensual operador compania averia
      caida extranjero viaje viajar internacional recargar intente intentado raro rara somos veces`],
  ],
  en: [
    [1.5, `the to and of in on at by as my how what is are was were i you your it this that these those with for from please
      hello hi thanks thank want have has had do does did don't dont doesnt didnt cant can't wont won't isnt
      im i'm ive i've youre you're its it's what's whats where when why which who there their they them we our
      would could should will can not be been being get got just about into out up down off over again also
      need needs help account password bill payment card phone number email message messages call calls data
      plan change changed changing charge charged charges why yes yeah yep nope thx ty pls plz u ur`],
    [1, `a an am any all some many much more most other another each every only own same so than too very
      now then here today tomorrow yesterday tonight week month year day days time hour hours minute minutes
      morning evening night weekend work working works worked broken fix fixed issue issues problem problems
      wrong right left new old good bad great nice fine sure okay well still already yet never always ever
      someone something anything nothing everything anyone everyone person people human agent support service
      customer company store shop home address name code login log sign signal network line top topup refund
      money price cost free pay paid paying buy bought order ordered send sent receive received arrive arrived
      delivery make made let lets go going gone come coming came see saw look looking find found know knew think
      thought tell told say said ask asked talk speak try tried use used using give gave take took keep put
      set turn show open close cancel delete remove add activate deactivate block unlock reset update install
      download upload connect connected connection working doesn't isn't aren't wasn't weren't haven't hasn't
      hadn't wouldn't couldn't shouldn't i'll you'll we'll i'd you'd we're they're we've they've like
      goodbye morning afternoon cheers sorry excuse ok lol omg btw idk pls thanks thankyou thanx tnx
      if or but because while before after since until though although whether than via per`],
    [1, `one two three four five six seven eight nine ten hundred thousand monday tuesday wednesday thursday
      friday saturday sunday january february march april may june july august september october november
      december alarm alarms reminder reminders remind weather rain raining snow sunny cloudy wind windy cold
      hot warm forecast temperature degrees it'll
      disable enable snooze dismiss erase create additional alert current status later inside outside heat
      storm storms humidity humid dust advisory tell check show list stop start wake wakeup shut switch
      slow fast speed coverage contract upgrade screen battery charger bought sell selling buy buying invoice
      invoices receipt balance subscription unlimited texts voicemail trouble keeps billing overcharged twice
      username monthly port porting transfer carrier provider outage hotspot tethering abroad travel traveling
      travelling international country thnks pasword recieve teh wat wht`],
    [0.7, `hey bye`],
  ],
};

/** Common words of languages without a profile: evidence that the message is neither Spanish nor English. */
const OTHER_WORDS = `je tu vous nous est les des une pas avec pour mon ma mes bonjour merci oui c'est je suis ne
  voce voces nao obrigado obrigada meu minha ola oi tudo muito fazer isso voce uma bom dia
  ciao grazie sono il della non per buongiorno prego
  ich und nicht das der die ist mit hallo danke bitte ja nein ein eine`;

/** Words both languages use, or that say nothing about the language (loanwords, brands, interjections). */
const NEUTRAL = `a me no he ok okay oki sale real red plan error total normal general final hotel hospital taxi
  euro euros dolar dolares online offline wifi web email mail e-mail chat app apps sms mms sim esim pin puk router
  modem smartphone iphone android samsung huawei xiaomi roaming streaming marketing parking camping booking
  meeting link login logout spam bluetooth facebook instagram whatsapp google gmail netflix spotify paypal
  bizum gps lte usb pdf ticket tickets super top wow hmm mmm eh ah oh uh um bot chatbot emoji selfie blog
  internet ip url dni nif iban swift ios mac pc tv cable fibra fiber premium pro plus max mini lite test
  club bar radio video audio foto photo piano idea area extra data media pizza rock pop jazz`;

/** Spelling cues for words outside the lexicon: [pattern on the folded word, language, weight]. */
const SPELLING: readonly [RegExp, Exclude<Lang, 'other'>, number][] = [
  [/ciones?$/, 'es', 1], [/mente$/, 'es', 1], [/[ie]?dad(es)?$/, 'es', 0.8], [/(ando|iendo)$/, 'es', 0.9],
  [/(ado|ada|ados|adas|ido|ida|idos|idas)$/, 'es', 0.6], [/(amos|emos|imos|aron|ieron|aban|aria|arian|eria|iria)$/, 'es', 0.8],
  [/(ar|ir)$/, 'es', 0.4], [/(ito|ita|itos|itas|illo|illa)$/, 'es', 0.5], [/^ll/, 'es', 0.7], [/z$/, 'es', 0.4],
  [/[^aeiou](os|as)$/, 'es', 0.3], [/[^aeiou][oa]$/, 'es', 0.3],
  [/tions?$/, 'en', 1], [/ings?$/, 'en', 0.8], [/[^l]ly$/, 'en', 0.8], [/(ness|ful|less|ship|ments?)$/, 'en', 0.8],
  [/ed$/, 'en', 0.5], [/ity$/, 'en', 0.5], [/th/, 'en', 0.7], [/sh|ck|gh|ph/, 'en', 0.6], [/w/, 'en', 0.5],
  [/k/, 'en', 0.3], [/ee|oo|ou/, 'en', 0.4], [/[ae]y$/, 'en', 0.4], [/[^aeiou]y[^aeiou]/, 'en', 0.4],
  [/[bcfghkmptvwx]$/, 'en', 0.4],
];

/** Caps on what one word can contribute through spelling alone, and on the ¿¡ bonus. */
const SPELLING_CAP = 1;
const MIN_EVIDENCE = 1;
const MIN_MARGIN = 0.5;

const fold = (word: string): string => word.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

const lexicon = new Map<string, { es: number; en: number }>();
for (const lang of ['es', 'en'] as const) {
  for (const [weight, words] of LEXICON[lang]) {
    for (const word of words.split(/\s+/).filter(Boolean)) {
      const key = fold(word);
      const entry = lexicon.get(key) ?? { es: 0, en: 0 };
      entry[lang] = Math.max(entry[lang], Number(weight));
      lexicon.set(key, entry);
    }
  }
}
// A word in both lists is evidence for neither (a, me, no, son, has...).
for (const entry of lexicon.values()) {
  if (entry.es && entry.en) entry.es = entry.en = 0;
}
const neutral = new Set(NEUTRAL.split(/\s+/).filter(Boolean).map(fold));
for (const word of neutral) lexicon.set(word, { es: 0, en: 0 });
const otherWords = new Set(OTHER_WORDS.split(/\s+/).filter(Boolean).map(fold).filter((w) => !lexicon.has(w)));

const STRIP = /\b(?:https?:\/\/|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[@#]\w+/giu;
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}]+)*/gu;
const SPANISH_ONLY_LETTERS = /[ñáéíóú]/;
const FOREIGN_LETTERS = /[ãõçàèìòùâêîôûëïœæßäöåø]|[^\p{Script=Latin}\p{N}\p{M}'’]/u;
const MIXED_CASE = /^\p{L}*\p{Ll}\p{L}*\p{Lu}|^\p{Lu}{2,}\p{Ll}/u;
const TITLE_CASE = /^\p{Lu}\p{Ll}/u;

/** Shortens letters repeated for emphasis ("holaaa", "thanksss", "goooood") to the dictionary form, when there is one. */
function lookup(word: string): { es: number; en: number } | undefined {
  const found = lexicon.get(word);
  if (found || !/(\p{L})\1\1/u.test(word)) return found;
  return lexicon.get(word.replace(/(\p{L})\1{2,}/gu, '$1')) ?? lexicon.get(word.replace(/(\p{L})\1{2,}/gu, '$1$1'));
}

/**
 * The language of `text` among `supported` (matched by base language: "es-MX" gets Spanish messages), or undefined
 * when the message gives no clear evidence ("ok", "1", "👍", "eSIM", an address, a product name, "no") or is in a
 * language without a profile here. Only Spanish and English have profiles; other supported locales are never returned.
 */
export function detectLanguage(text: string, supported: readonly string[]): DetectedLanguage | undefined {
  const candidates = new Map<Lang, string>();
  for (const locale of supported) {
    const base = locale.slice(0, 2).toLowerCase();
    if ((base === 'es' || base === 'en') && !candidates.has(base)) candidates.set(base, locale);
  }
  if (candidates.size === 0) return undefined;

  const score: Record<Lang, number> = { es: 0, en: 0, other: 0 };
  const clean = text.replace(STRIP, ' ');
  if (/[¿¡]/.test(clean)) score.es += 1.5;
  let sentenceStart = true;
  let last = 0;
  for (const match of clean.matchAll(WORD)) {
    const raw = match[0];
    const index = match.index;
    if (index > last && /[.!?¡¿:;\n]/.test(clean.slice(last, index))) sentenceStart = true;
    last = index + raw.length;
    const atStart = sentenceStart;
    sentenceStart = false;
    if (/\p{N}/u.test(raw) || MIXED_CASE.test(raw)) continue; // numbers, 5G, eSIM, iPhone, WhatsApp
    const lower = raw.toLowerCase().replace(/’/g, '\'');
    if (FOREIGN_LETTERS.test(lower)) { score.other += 1.5; continue; }
    const folded = fold(lower);
    const known = lookup(folded) ?? lookup(folded.replace(/'/g, ''));
    // Capitalised words in mid-sentence are mostly names (Madrid, Las Vegas, Nubo): little or no evidence.
    const name = !atStart && TITLE_CASE.test(raw);
    if (known) {
      const accented = known.es > 0 && SPANISH_ONLY_LETTERS.test(lower) ? 0.5 : 0;
      score.es += (known.es + accented) * (name ? 0.5 : 1);
      score.en += known.en * (name ? 0.5 : 1);
      continue;
    }
    if (otherWords.has(folded)) { score.other += 1; continue; }
    if (folded.includes('\'')) { score.en += 1; continue; } // contractions and possessives: "Maria's", "y'all"
    if (name) continue;
    let es = SPANISH_ONLY_LETTERS.test(lower) ? 1 : 0;
    let en = 0;
    if (folded.length >= 4) {
      for (const [pattern, lang, weight] of SPELLING) {
        if (!pattern.test(folded)) continue;
        if (lang === 'es') es += weight; else en += weight;
      }
    }
    score.es += Math.min(es, SPELLING_CAP);
    score.en += Math.min(en, SPELLING_CAP);
  }

  const ranked = (['es', 'en', 'other'] as const).map((lang) => ({ lang, score: score[lang] })).sort((a, b) => b.score - a.score);
  const [first, runnerUp] = ranked;
  if (!first || first.lang === 'other' || !candidates.has(first.lang)) return undefined;
  const bestScore = first.score;
  const second = runnerUp?.score ?? 0;
  if (bestScore < MIN_EVIDENCE || bestScore - second < MIN_MARGIN) return undefined;
  const margin = bestScore - second;
  const confidence = (1 - Math.exp(-margin / 2)) * (bestScore / (bestScore + second));
  return { locale: candidates.get(first.lang)!, confidence: Math.round(confidence * 1000) / 1000 };
}
