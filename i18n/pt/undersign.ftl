# Textos da interface do undersign: português (Brasil, compreensível em Portugal).
# Mantenha as mensagens simples e curtas: muitas pessoas que assinam leem numa segunda língua.
# Uma ideia por frase; sem expressões idiomáticas; "você" para quem assina, "quem organiza
# a petição" para as pessoas que cuidam da petição.

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
footer-organizers = Esta petição é organizada por { $name }.
footer-contact = Fale com quem organiza a petição:
fallback-note = Este texto ainda não está disponível no seu idioma, por isso é mostrado no idioma original.

## A página da petição
sign-jump = Assinar esta petição
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
error-prefix = Erro:
errors-heading = { $count ->
    [one] Por favor, corrija este problema:
   *[other] Por favor, corrija estes { $count } problemas:
}
field-first-name = Nome
field-last-name = Sobrenome
name-hint = Se você tem só um nome, escreva-o em qualquer um dos dois campos.
field-affiliation = Organização
field-email = E-mail
optional = (opcional)
consent-label = Concordo em assinar esta petição com os dados acima.
public-label = Mostrar meu nome publicamente
public-hint = Nesse caso, seu nome e sua organização são publicados junto com a carta. Se você deixar esta caixa desmarcada, seu nome nunca será publicado.
before-heading = Antes de assinar
who-sees-name = Quem vai ver meu nome?
who-gets-email = Quem recebe meu e-mail, e para quê?
who-runs = Quem organiza esta petição?
how-kept = Como meus dados são protegidos?
how-kept-text = Seus dados são trancados (criptografados) assim que chegam a este servidor. Só quem organiza a petição pode destrancá-los, nos próprios computadores. Este servidor não consegue lê-los. Ele não guarda nenhum registro do seu endereço IP e não coloca nenhum cookie.
honeypot-label = Deixe este campo vazio
sign-button = Assinar a petição
sign-sending = Enviando…
pow-status = Verificando que você não é um robô… Sua assinatura será enviada em instantes.
seal-status = Trancando seus dados no seu navegador…
seal-dropped = A conexão caiu, então esta página ainda não consegue saber se sua assinatura chegou. O que você digitou continua aqui. Por favor, pressione “Assinar a petição” de novo. Sua assinatura nunca é contada duas vezes.

## Problemas num campo
problem-missing = { $field }: por favor, preencha este campo.
problem-name-missing = Nome: por favor, escreva seu nome em pelo menos um dos dois campos.
problem-too-long = { $field }: texto longo demais (no máximo { $max } caracteres).
problem-control = { $field }: contém um caractere que não é permitido.
problem-not-email = { $field }: isto não parece um endereço de e-mail (nome@example.org).
problem-no-consent = Por favor, marque a caixa para confirmar que quer assinar.

## A página do comprovante
receipt-title = Agradecemos a sua assinatura
receipt-heading = Agradecemos! Sua assinatura foi guardada
receipt-locked = Ela foi trancada antes de ser guardada. Só quem organiza a petição pode destrancá-la.
receipt-sealed-browser = Seu navegador trancou seus dados antes de enviá-los, por isso este servidor nunca os viu.
receipt-sealed-server = Este servidor trancou seus dados assim que eles chegaram, antes de guardá-los.
receipt-code-heading = Seu código de comprovante
receipt-code-spoken = Seu código de comprovante, letra por letra:
receipt-paper = Escreva este código num papel agora. Ele é mostrado só esta vez e não fica guardado em lugar nenhum, por isso ninguém pode dá-lo a você de novo.
receipt-copies = Uma captura de tela, uma impressão ou uma cópia do código também servem, mas deixam uma cópia neste aparelho. O texto copiado também pode chegar aos seus outros aparelhos pela sincronização da área de transferência.
receipt-close = Depois de anotar o código, feche esta aba. Não recarregue esta página.
receipt-private = Com este código, você pode retirar sua assinatura ou verificar se ela ainda está sendo contada. Qualquer pessoa que tenha o código pode fazer o mesmo, por isso mantenha-o em segredo.
receipt-how = Para isso, abra uma destas páginas e escreva o código lá. O código nunca é colocado num link nem num endereço web.

## Checking the public log (on the receipt page)
log-check-heading = Confira se sua assinatura está sendo contada
log-check-intro = Este abaixo-assinado mantém um registro público: uma entrada embaralhada para cada assinatura, que ninguém consegue ligar a um nome. Com ele, qualquer pessoa pode conferir se o número desta página é verdadeiro e se nenhuma assinatura foi retirada às escondidas. Você também pode conferir sua própria assinatura com o programa gratuito undersign, no seu próprio computador:
log-check-code = O programa pede seu código de comprovante e procura sua entrada no seu próprio computador: seu código nunca é enviado a este servidor nem a nenhum outro lugar. As novas assinaturas entram no registro a cada poucos minutos; se você conferir logo em seguida, tente de novo um pouco mais tarde.

## Quando uma assinatura não pode ser guardada agora: o formulário volta com o que foi escrito
form-unreadable-heading = Não foi possível ler o formulário
form-wrong-type = As assinaturas são enviadas como um formulário web comum. Nada foi guardado.
form-too-large = O formulário era grande demais e não pôde ser recebido. Por favor, encurte o que escreveu e tente de novo. Nada foi guardado.
form-broken = O formulário chegou danificado ou incompleto. Por favor, volte e tente de novo. Nada foi guardado.
closed-refused = Esta petição não aceita mais assinaturas. Nada do que você enviou foi guardado.
paused-refused = Quem organiza a petição suspendeu as assinaturas por enquanto. Nada do que você enviou foi guardado. Por favor, volte mais tarde.
try-later-heading = Por favor, tente de novo daqui a pouco
too-many-from-network = Chegaram assinaturas demais a partir da sua rede em pouco tempo. Se muitas pessoas usam a mesma conexão que você (um abrigo, uma universidade, Tor), isto não tem a ver com você. Nada foi guardado ainda.
no-js-budget = Neste momento, muitas pessoas estão assinando com o JavaScript desativado. Para barrar spam automático, o servidor só aceita poucas dessas assinaturas de cada vez. Nada foi guardado ainda.
unknown-network-heading = Não foi possível aceitar este pedido
unknown-network = O servidor não conseguiu saber de que rede veio este pedido, por isso não o aceitou. Nada do que você enviou foi guardado. O problema está na configuração do servidor, não em você: por favor, avise quem organiza a petição.
no-puzzle-budget = Neste momento, muitas pessoas estão assinando sem resolver o quebra-cabeça. Para barrar spam automático, o servidor só aceita poucas dessas assinaturas de cada vez. Nada foi guardado ainda. Você pode resolver o quebra-cabeça abaixo e pressionar “Assinar a petição” de novo.
pow-unfinished = Seu navegador não conseguiu terminar a tempo a verificação em segundo plano. Isso pode acontecer num telefone lento. Nada foi guardado ainda.
try-again-in = { $minutes ->
    [one] Seus dados ainda estão no formulário abaixo. Por favor, pressione “Assinar a petição” de novo daqui a cerca de um minuto.
   *[other] Seus dados ainda estão no formulário abaixo. Por favor, pressione “Assinar a petição” de novo daqui a cerca de { $minutes } minutos.
}
kept-below = Seus dados ainda estão no formulário abaixo. Por favor, confira-os e pressione “Assinar a petição” de novo.
bad-challenge = Não foi possível verificar este formulário. Nada foi guardado ainda.
captcha-failed = Não foi possível verificar o quebra-cabeça. Nada foi guardado ainda. Por favor, resolva-o de novo ou pressione “Assinar a petição” sem ele.
expired = Esta página ficou aberta por muito tempo, por isso o formulário dela expirou. Nada foi guardado ainda.
already-sent-heading = Este formulário já foi enviado
already-sent = Ele só é contado uma vez. Se você viu um código de comprovante, sua assinatura está guardada. Se não viu, o mais provável é que ela também tenha sido guardada. Assinar de novo pela página da petição não causa problema: quem organiza a petição remove as assinaturas repetidas.
save-failed-heading = Não foi possível guardar sua assinatura
seal-failed = Ocorreu um erro ao trancar sua assinatura. Nada foi guardado.
store-failed = O servidor não conseguiu guardar sua assinatura agora, por isso você não tem código de comprovante.
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
code-hint = As 27 letras e números do seu comprovante. Hífens, espaços e maiúsculas não fazem diferença.
code-bad = Isto não é um código de comprovante. Um código tem 27 letras e números: por favor, confira se você o escreveu inteiro.
code-typo = Este código tem um erro de digitação. Por favor, compare cada caractere com o seu comprovante, principalmente os últimos.
code-too-many = Tentativas demais a partir da sua rede. Por favor, espere uma hora e tente de novo.
code-failed = O servidor não conseguiu fazer isto agora. Nada foi alterado. Por favor, tente de novo mais tarde.

## O que acontece com a minha assinatura
about-heading = O que acontece com a minha assinatura
about-kept-heading = O que é guardado
about-kept-1 = Quando você assina, o servidor guarda: seu nome, sua organização (se você indicou uma), seu e-mail, se você pediu para mostrar seu nome publicamente, o idioma da página e o dia em que você assinou. Ele não guarda a hora.
about-kept-2 = Ele não guarda seu endereço IP nem as informações do seu navegador. Ele não coloca nenhum cookie. Não há conta nem rastreamento.
about-who-heading = Quem pode ler
about-who-1 = Seus dados são trancados (criptografados) assim que chegam. Só quem organiza a petição tem as chaves, nos próprios computadores. O servidor não consegue ler seus dados. Alguém que leve ou copie o servidor também não consegue lê-los. Quem organiza a petição destranca as assinaturas offline, quando entrega a petição.
about-names-heading = Quem vai ver meu nome
about-emails-heading = Quem recebe meu e-mail
about-organizers-heading = Quem organiza esta petição
about-organizers = Esta petição é organizada por { $name }. Você pode escrever para tirar dúvidas ou para saber quais dados seus estão com quem organiza a petição.
about-withdraw-heading = Como retirar sua assinatura
about-withdraw-1 = Depois de assinar, você recebe um código de comprovante, mostrado uma única vez. Mantenha-o em segredo. Com ele, você pode retirar sua assinatura ou verificar se ela ainda está sendo contada, nas páginas abaixo. O servidor não guarda nenhuma cópia do código. Por isso, ninguém mais consegue encontrar sua assinatura com ele, e ninguém pode devolvê-lo a você se ele se perder.
about-time-heading = Por quanto tempo fica guardada
about-time-1 = Depois da entrega da petição, quem a organiza tira as assinaturas trancadas do servidor e as apaga de lá.

## Declaração de acessibilidade
a11y-heading = Acessibilidade
a11y-1 = Esta petição procura cumprir as Diretrizes de Acessibilidade para Conteúdo Web (WCAG) 2.2, no nível AA. Ela funciona sem JavaScript, só com o teclado, com leitores de tela, com 320 pixels de largura e com zoom de 200%.
a11y-2 = A verificação contra spam funciona sozinha, em segundo plano, e nunca pede que você resolva um quebra-cabeça. Se ela não tiver terminado quando você pressionar “Assinar a petição”, sua assinatura é enviada mesmo assim.
a11y-2-hcaptcha = Para barrar spam, esta petição mostra um quebra-cabeça da hCaptcha, outra empresa. Se você não conseguir resolvê-lo, pressione “Assinar a petição” mesmo assim: sua assinatura ainda é aceita, dentro de um limite para as assinaturas sem o quebra-cabeça.
a11y-time = Não há limite de tempo para preencher o formulário. Se uma página ficar aberta por muitas horas, ao pressionar “Assinar a petição” o formulário aparece de novo com tudo o que você escreveu: pressione o botão mais uma vez.
a11y-3 = Se algo nestas páginas for difícil de usar, por favor, avise quem organiza a petição:
