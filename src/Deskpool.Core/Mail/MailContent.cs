using System.Text.Encodings.Web;
using System.Text.RegularExpressions;

namespace Deskpool.Core.Mail;

/// <summary>
/// What a mail says: one recipient, a subject, a plain-text part and an optional HTML part.
/// Mails never carry passwords; a link or code that grants access belongs in them only when it
/// expires and works once.
/// </summary>
public sealed record MailContent(string To, string Subject, string TextBody, string? HtmlBody = null);

/// <summary>
/// A plain template with a text and an HTML part. <c>{{name}}</c> placeholders are replaced as they
/// are in the subject and the text part, and HTML-encoded in the HTML part, so a value can never
/// change the markup around it.
/// </summary>
public sealed partial record MailTemplate(string Subject, string TextBody, string HtmlBody)
{
    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")]
    private static partial Regex Placeholder();

    /// <summary>Fills the template for one recipient; a placeholder without a value is a programming error.</summary>
    public MailContent Render(string to, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new MailContent(
            to,
            Fill(Subject, values, encode: false),
            Fill(TextBody, values, encode: false),
            Fill(HtmlBody, values, encode: true));
    }

    private static string Fill(string text, IReadOnlyDictionary<string, string> values, bool encode) =>
        Placeholder().Replace(text, match =>
        {
            var name = match.Groups[1].Value;
            if (!values.TryGetValue(name, out var value))
            {
                throw new KeyNotFoundException($"The mail template needs a value for {{{{{name}}}}}.");
            }

            return encode ? HtmlEncoder.Default.Encode(value) : value;
        });
}
