# Textos da interface do undersign: português (Brasil, compreensível em Portugal).
# Mantenha as mensagens simples e curtas: muitas pessoas que assinam leem numa segunda língua.

## Todas as páginas
lang-name = Português
lang-nav = Idioma
demo-title = Demonstração.
demo-banner = Esta é uma petição de demonstração: a chave secreta dela fica neste servidor, por isso nada do que for assinado aqui é privado. Não insira dados reais.
back = Voltar à petição
link-about = O que acontece com a minha assinatura
onion-address = No Tor, o único endereço onion desta petição é:
link-withdraw = Retirar uma assinatura
link-check = Verificar uma assinatura
link-accessibility = Acessibilidade

## A página da petição
sign-jump = Assinar esta petição
fallback-note = Esta petição ainda não está disponível no seu idioma; ela é mostrada no idioma original.
signatures-label = Assinaturas
count-line = { $count ->
    [0] { $count } assinaturas
    [one] { $count } assinatura
   *[other] { $count } assinaturas
}
count-goal = Objetivo: { $goal }
closed-heading = As assinaturas foram encerradas
closed-text = Esta petição não aceita mais assinaturas. Agradecemos a todas as pessoas que assinaram.
paused-heading = As assinaturas estão suspensas
paused-text = Quem organiza a petição suspendeu as assinaturas por enquanto. Por favor, volte mais tarde.
sign-heading = Assinar
errors-heading = { $count ->
    [one] Por favor, corrija este problema:
   *[other] Por favor, corrija estes { $count } problemas:
}
field-first-name = Nome
field-last-name = Sobrenome
field-affiliation = Organização
field-email = E-mail
optional = (opcional)
consent-label = Concordo em assinar esta petição com os dados acima.
public-label = Mostrar meu nome e minha organização na lista pública de pessoas que assinaram. Se você deixar esta caixa desmarcada, seu nome nunca será publicado.
kept-title = O que é guardado:
kept-text = seu nome, organização, e-mail, as duas escolhas acima, o idioma da página e a data de hoje (sem a hora). Esses dados são trancados no momento em que chegam, com uma chave que só quem organiza a petição tem, nos próprios computadores. Este servidor não consegue lê-los, não guarda nenhum registro do seu endereço IP e não coloca nenhum cookie.
honeypot-label = Deixe este campo vazio
sign-button = Assinar a petição
pow-status = Verificando que você não é um robô… sua assinatura será enviada em instantes.

## Problemas num campo
problem-missing = { $field }: por favor, preencha este campo.
problem-too-long = { $field }: texto longo demais (no máximo { $max } caracteres).
problem-control = { $field }: contém um caractere que não é permitido.
problem-not-email = { $field }: isto não parece um endereço de e-mail (nome@example.org).
problem-no-consent = Por favor, marque a caixa para confirmar que quer assinar.

## A página do comprovante
receipt-title = Agradecemos a sua assinatura
receipt-heading = Agradecemos! Sua assinatura foi guardada
receipt-locked = Ela foi trancada com a chave de quem organiza a petição antes de ser guardada. Só essas pessoas podem lê-la, offline.
receipt-code-heading = Seu código de comprovante
receipt-once = Este código é mostrado só uma vez e não fica guardado em lugar nenhum. Anote-o, imprima esta página ou copie-o para um lugar seguro: é a única forma de retirar sua assinatura mais tarde. Qualquer pessoa que tenha este código pode retirar sua assinatura, por isso mantenha-o em segredo.
receipt-how = Para retirar sua assinatura, ou para ver se ela ainda está sendo contada, abra uma destas páginas e escreva o código lá. O código nunca é colocado num link nem num endereço web.

## Checking the public log (on the receipt page)
log-check-heading = Confira se sua assinatura está sendo contada
log-check-intro = Este abaixo-assinado mantém um registro público: uma entrada embaralhada para cada assinatura, que ninguém consegue ligar a um nome. Com ele, qualquer pessoa pode conferir se o número desta página é verdadeiro e se nenhuma assinatura foi retirada às escondidas. Você também pode conferir sua própria assinatura com o programa gratuito undersign, no seu próprio computador:
log-check-code = O programa pede seu código de comprovante e procura sua entrada no seu próprio computador: seu código nunca é enviado a este servidor nem a nenhum outro lugar. As novas assinaturas entram no registro a cada poucos minutos; se você conferir logo em seguida, tente de novo um pouco mais tarde.

## Recusas
form-unreadable-heading = Não foi possível ler o formulário
form-wrong-type = As assinaturas são enviadas como um formulário web comum. Nada foi guardado.
form-too-large = O formulário era grande demais e não pôde ser recebido. Por favor, encurte o que escreveu e tente de novo. Nada foi guardado.
form-broken = O formulário chegou danificado ou incompleto. Por favor, volte e tente de novo. Nada foi guardado.
closed-refused = Esta petição não aceita mais assinaturas. Nada do que você enviou foi guardado.
paused-refused = Quem organiza a petição suspendeu as assinaturas por enquanto. Nada do que você enviou foi guardado. Por favor, volte mais tarde.
try-later-heading = Por favor, tente de novo daqui a pouco
too-many-from-network = Foram enviadas assinaturas demais a partir da sua rede em pouco tempo. Se muitas pessoas usam a mesma conexão que você (um abrigo, uma universidade, Tor), isto não tem a ver com você.
no-js-budget = Muitas pessoas estão assinando sem JavaScript neste momento, e o servidor só aceita um número limitado dessas assinaturas de cada vez, para barrar spam automático. Também é possível assinar num navegador com JavaScript ativado.
unknown-network-heading = Não foi possível aceitar este pedido
unknown-network = O servidor não conseguiu saber de que rede veio este pedido, por isso não o aceitou. Nada do que você enviou foi guardado. O problema está na configuração do servidor, não em você: por favor, avise quem organiza a petição.
try-again-in = Nada do que você enviou foi guardado. { $minutes ->
    [one] Por favor, tente de novo daqui a cerca de um minuto.
   *[other] Por favor, tente de novo daqui a cerca de { $minutes } minutos.
}
bad-challenge = Este formulário já foi usado ou não pôde ser verificado. Nada foi guardado. Por favor, confira seus dados abaixo e pressione “Assinar a petição” de novo.
captcha-failed = Não foi possível verificar o captcha. Nada foi guardado. Por favor, resolva-o de novo e pressione “Assinar a petição”.
save-failed-heading = Não foi possível guardar sua assinatura
seal-failed = Ocorreu um erro ao trancar sua assinatura. Nada foi guardado. Por favor, tente de novo mais tarde.
store-failed = O servidor não conseguiu guardar sua assinatura agora, por isso você não recebeu comprovante e nada foi guardado. Por favor, tente de novo daqui a alguns minutos.
not-found-heading = Página não encontrada
not-found = Não há nada neste endereço.

## Retirar e verificar com o código do comprovante
withdraw-heading = Retirar minha assinatura
withdraw-intro = Escreva o código de comprovante que você recebeu ao assinar. Sua assinatura será apagada da petição definitivamente.
withdraw-button = Retirar minha assinatura
withdraw-done = Se este código pertencia a uma assinatura, essa assinatura foi apagada: ela deixou de ser contada e não será entregue. A mesma mensagem aparece para qualquer código, para que ninguém possa usar esta página para testar códigos.
check-heading = Verificar minha assinatura
check-intro = Escreva o código de comprovante que você recebeu ao assinar para ver se sua assinatura ainda está sendo contada. Nada mais sobre ela é mostrado.
check-button = Verificar
counted = Esta assinatura está sendo contada.
not-counted = Nenhuma assinatura contada tem este código: ela foi retirada, ou o código foi escrito com erro.
code-label = Código do comprovante
code-hint = As 26 letras e números que aparecem no seu comprovante. Hífens, espaços e maiúsculas não fazem diferença.
code-bad = Isto não é um código de comprovante: ele deve ter 26 letras e números.
code-too-many = Tentativas demais a partir da sua rede. Por favor, espere uma hora e tente de novo.
code-failed = O servidor não conseguiu fazer isto agora. Nada foi alterado. Por favor, tente de novo mais tarde.

## O que acontece com a minha assinatura
about-heading = O que acontece com a minha assinatura
about-kept-heading = O que é guardado
about-kept-1 = Quando você assina, o servidor guarda seu nome e sobrenome, sua organização (se você indicou uma), seu e-mail, se você pediu para aparecer na lista pública, o idioma da página e a data em que assinou (só o dia, não a hora).
about-kept-2 = Ele não guarda seu endereço IP, as informações do seu navegador nem nenhum cookie. Não há conta nem rastreamento.
about-who-heading = Quem pode ler
about-who-1 = Seus dados são trancados (criptografados) no momento em que chegam, com chaves que só quem organiza a petição tem, nos próprios computadores. O próprio servidor não consegue lê-los, e ninguém que se apodere do servidor ou o copie consegue lê-los. Quem organiza a petição destranca as assinaturas offline para entregar a petição.
about-who-2 = Seu nome e sua organização só são publicados se você marcou a caixa que pede isso.
about-withdraw-heading = Como retirar sua assinatura
about-withdraw-1 = Depois de assinar, você recebe um código de comprovante, mostrado uma única vez. Mantenha-o em segredo. Com ele, você pode retirar sua assinatura ou verificar se ela ainda está sendo contada, nas páginas abaixo. O servidor não guarda nenhuma cópia do código, por isso ninguém mais consegue encontrar sua assinatura com ele, e ninguém pode devolvê-lo a você se ele se perder.
about-time-heading = Por quanto tempo fica guardada
about-time-1 = Depois da entrega da petição, quem a organiza exporta as assinaturas trancadas e as apaga do servidor.

## Declaração de acessibilidade
a11y-heading = Acessibilidade
a11y-1 = Esta petição procura cumprir as Diretrizes de Acessibilidade para Conteúdo Web (WCAG) 2.2, no nível AA. Ela funciona sem JavaScript, só com o teclado, com leitores de tela, com 320 pixels de largura e com zoom de 200%. Não há limite de tempo para preencher o formulário.
a11y-2 = A verificação contra spam funciona sozinha, em segundo plano, e nunca pede que você resolva um quebra-cabeça. Se ela não tiver terminado quando você pressionar “Assinar a petição”, sua assinatura é enviada mesmo assim.
a11y-3 = Se algo nestas páginas for difícil de usar, por favor, avise quem organiza a petição.
